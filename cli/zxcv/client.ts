import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** An error the CLI prints as one line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The server was down or answered 5xx: trying again later may work. */ readonly isTransient = false,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Text from the server made safe for a terminal: escape sequences and other control characters shown as `^[`, `^G`, ... (tabs kept). */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `^${String.fromCharCode(code + 64)}` : `\\x${code.toString(16)}`;
  });
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
      // Redirects are not followed: the token goes to the configured server only.
      response = await fetch(this.urlOf(path), { ...init, headers, redirect: "manual" });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 1, true);
    }
    if (response.status >= 300 && response.status < 400) {
      throw new CliError(
        `the server redirected ${path} to ${printable(response.headers.get("location") ?? "nowhere")}; not following it with your token (check the URL given to \`zxcv login\`)`,
      );
    }
    if (!response.ok) throw new CliError(printable(await describeFailure(response)), 1, response.status >= 500 || response.status === 429);
    return response;
  }

  /** A path (or a URL the server sent) on the configured server; any other origin is refused, so the token never leaves it. */
  urlOf(pathOrUrl: string): string {
    const base = new URL(this.config.url);
    const target = new URL(pathOrUrl.startsWith("/") && !pathOrUrl.startsWith("//") ? `${this.config.url}${pathOrUrl}` : pathOrUrl, `${this.config.url}/`);
    if (target.origin !== base.origin) {
      throw new CliError(
        `the server sent a link to another site (${printable(target.origin)}); not sending your token there. Download from ${base.origin} only, or ask the dashboard's admin about APP_URL`,
      );
    }
    return target.toString();
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
