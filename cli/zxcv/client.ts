import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** An error the CLI prints as one line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

export type Config = { url: string; token: string };

export function configPath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "zxcv", "config.json");
}

/** ZXCV_URL / ZXCV_TOKEN win over the file written by `zxcv login`. */
export async function loadConfig(): Promise<Config> {
  let file: Partial<Config> = {};
  try {
    file = JSON.parse(await readFile(configPath(), "utf8")) as Partial<Config>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new CliError(`cannot read ${configPath()}: ${(error as Error).message}`);
  }
  const url = process.env.ZXCV_URL || file.url;
  const token = process.env.ZXCV_TOKEN || file.token;
  if (!url || !token) throw new CliError("not logged in: run `zxcv login --url URL --token TOKEN` (or set ZXCV_URL and ZXCV_TOKEN)", 2);
  return { url: url.replace(/\/+$/, ""), token };
}

export async function saveConfig(config: Config): Promise<string> {
  const path = configPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

export class ApiClient {
  constructor(readonly config: Config) {}

  /** A raw request; non-2xx answers become a CliError with the API's message. */
  async request(path: string, init: RequestInit & { accept?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.config.token}`);
    if (init.accept) headers.set("accept", init.accept);
    let response: Response;
    try {
      response = await fetch(`${this.config.url}${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    if (!response.ok) throw new CliError(await describeFailure(response));
    return response;
  }

  async json<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await this.request(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return (await response.json()) as T;
  }
}

async function describeFailure(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON: fall through
  }
  return `the server answered ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`;
}
