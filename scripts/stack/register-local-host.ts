// Prints a fresh token for the local build host (the stored hash is rotated) and its host-scoped REDIS_URL, one a line, for the start command.
import { ensureLocalBuildHost } from "@/lib/hosts";
import { getDb } from "@/lib/db";
import { hostRedisUrl } from "@/lib/redis-acl";
import { getRedis } from "@/lib/redis";

const name = process.argv[2] ?? "local";
const token = await ensureLocalBuildHost({ name, arch: "x86_64" });
const host = await getDb().buildHost.findUniqueOrThrow({ where: { name }, select: { id: true } });
process.stdout.write(`${token}\n${hostRedisUrl({ hostId: host.id, token })}\n`);
await getDb().$disconnect();
getRedis().disconnect();
