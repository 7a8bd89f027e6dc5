import { jsonResponse, toWire, withActor } from "@/lib/api/handler";
import { createMachineBody, machineListSchema, machineSchema } from "@/lib/api/schemas";
import { createMachine, listMachines } from "@/lib/machines";

// GET /api/v1/machines - list your machines
export const GET = withActor(async ({ actor }) => {
  const machines = await listMachines({ actor });
  return toWire(machineListSchema, { machines: machines.map((m) => ({ ...m, profileCount: m._count.profiles })) });
});

// POST /api/v1/machines - register a machine
export const POST = withActor(
  async ({ actor, body }) => jsonResponse(toWire(machineSchema, await createMachine({ actor, input: { ...body, notes: body.notes ?? "" } })), 201),
  { body: createMachineBody },
);
