// autocannon ships no types; the part of its options and result the benchmarks use.
declare module "autocannon" {
  type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  export type Options = {
    url: string;
    connections?: number;
    duration?: number;
    /** A fixed number of requests instead of a duration. */
    amount?: number;
    timeout?: number;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    /** Requests sent in turn; `setupRequest` may rewrite each before it is sent. */
    requests?: (Request & { setupRequest?: (request: Request) => Request })[];
  };
  type Stats = { average: number; p50: number; p99: number; total: number };
  type Result = { requests: Stats; latency: Stats; non2xx: number; errors: number; timeouts: number };
  export default function autocannon(options: Options): Promise<Result>;
}
