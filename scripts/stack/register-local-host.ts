// Prints a fresh token for the local build host (the stored hash is rotated), for the start command.
import { ensureLocalBuildHost } from "@/lib/hosts";
import { getDb } from "@/lib/db";

const name = process.argv[2] ?? "local";
const token = await ensureLocalBuildHost({ name, arch: "x86_64" });
process.stdout.write(`${token}\n`);
await getDb().$disconnect();
