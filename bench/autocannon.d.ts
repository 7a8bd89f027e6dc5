// autocannon ships no types; the part of its result the dashboard benchmark reads.
declare module "autocannon" {
  type Options = { url: string; connections?: number; duration?: number; timeout?: number; headers?: Record<string, string> };
  type Stats = { average: number; p50: number; p99: number };
  type Result = { requests: Stats; latency: Stats; non2xx: number; errors: number; timeouts: number };
  export default function autocannon(options: Options): Promise<Result>;
}
