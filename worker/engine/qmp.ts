/**
 * A minimal QMP client (QEMU's JSON machine protocol on a unix socket): the boot test takes screendumps and types on
 * the emulated USB keyboard with it. Replies are parsed with zod; events are ignored.
 */
import { connect, type Socket } from "node:net";
import { z } from "zod";

const replySchema = z.union([
  z.object({ return: z.unknown() }),
  z.object({ error: z.object({ class: z.string(), desc: z.string() }) }),
  z.object({ event: z.string() }),
  z.object({ QMP: z.unknown() }),
]);

export class Qmp {
  private buffer = "";
  private waiting: ((reply: z.infer<typeof replySchema>) => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      this.buffer += text;
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) !== -1) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (!line) continue;
        const parsed = replySchema.safeParse(JSON.parse(line));
        if (!parsed.success || "event" in parsed.data || "QMP" in parsed.data) continue;
        this.waiting.shift()?.(parsed.data);
      }
    });
    socket.on("error", () => this.failAll());
    socket.on("close", () => this.failAll());
  }

  private failAll(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w({ error: { class: "Closed", desc: "QEMU closed its QMP socket" } });
  }

  /** Connects once QEMU has created the socket (polling until `deadline`), and enters command mode. */
  static async open(path: string, deadline: number, gone: () => string | undefined = () => undefined): Promise<Qmp> {
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once("error", reject);
        });
        const qmp = new Qmp(socket);
        await qmp.execute("qmp_capabilities");
        return qmp;
      } catch (err) {
        if (gone()) throw new Error(`QEMU ended before its QMP socket answered: ${gone()}`, { cause: err });
        if (Date.now() > deadline) throw new Error(`QEMU's QMP socket never answered: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error(`QMP ${command}: QEMU closed its QMP socket`));
      this.waiting.push((reply) =>
        "error" in reply ? reject(new Error(`QMP ${command}: ${reply.error.desc}`)) : resolve("return" in reply ? reply.return : undefined),
      );
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
    });
  }

  /**
   * Types text on the keyboard bound to display `device` (key down, key up; shift for capitals and symbols). QEMU's
   * USB keyboard queues at most 16 events and the guest takes one per poll, so events are paced `gapMs` apart: a
   * dropped release would auto-repeat a key, a dropped shift release would capitalise the rest.
   */
  async type(text: string, device: string, gapMs = 40, keyOf: KeyOf = qcodeOf): Promise<void> {
    const event = (key: string, down: boolean) => ({ type: "key", data: { down, key: { type: "qcode", data: key } } });
    for (const char of text) {
      const key = keyOf(char);
      const events = key.shift
        ? [event("shift", true), event(key.code, true), event(key.code, false), event("shift", false)]
        : [event(key.code, true), event(key.code, false)];
      for (const e of events) {
        await this.execute("input-send-event", { device, events: [e] });
        await new Promise((r) => setTimeout(r, gapMs));
      }
    }
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

const SHIFTED: Record<string, string> = {
  "!": "1",
  "@": "2",
  "#": "3",
  $: "4",
  "%": "5",
  "^": "6",
  "&": "7",
  "*": "8",
  "(": "9",
  ")": "0",
  _: "minus",
  "+": "equal",
  ">": "dot",
  "<": "comma",
  "|": "backslash",
  '"': "apostrophe",
  ":": "semicolon",
  "?": "slash",
};
const PLAIN: Record<string, string> = {
  " ": "spc",
  "\n": "ret",
  "-": "minus",
  "=": "equal",
  ".": "dot",
  ",": "comma",
  "/": "slash",
  "\\": "backslash",
  "'": "apostrophe",
  ";": "semicolon",
};

/** Which key (and whether with shift) types a character on the guest's keyboard layout. */
export type KeyOf = (char: string) => { code: string; shift: boolean };

/** The US-layout QEMU key code for one character. */
export function qcodeOf(char: string): { code: string; shift: boolean } {
  if (/^[a-z0-9]$/.test(char)) return { code: char, shift: false };
  if (/^[A-Z]$/.test(char)) return { code: char.toLowerCase(), shift: true };
  if (PLAIN[char]) return { code: PLAIN[char]!, shift: false };
  if (SHIFTED[char]) return { code: SHIFTED[char]!, shift: true };
  throw new Error(`no key for ${JSON.stringify(char)}`);
}
