import { toWire, withActor } from "@/lib/api/handler";
import { machineSchema, updateMachineBody } from "@/lib/api/schemas";
import { deleteMachine, getMachineOrThrow, updateMachine } from "@/lib/machines";

// GET /api/v1/machines/{id} - a machine
export const GET = withActor(async ({ actor, params }) => toWire(machineSchema, await getMachineOrThrow({ actor, machineId: params.id! })));

// PATCH /api/v1/machines/{id} - change a machine's name, architecture or notes
export const PATCH = withActor(
  async ({ actor, params, body }) => {
    const current = await getMachineOrThrow({ actor, machineId: params.id! });
    const input = { name: body.name ?? current.name, arch: body.arch ?? (current.arch as "x86_64"), notes: body.notes ?? current.notes };
    return toWire(machineSchema, await updateMachine({ actor, machineId: current.id, input }));
  },
  { body: updateMachineBody },
);

// DELETE /api/v1/machines/{id} - delete a machine with its profiles, builds and ISOs
export const DELETE = withActor(async ({ actor, params }) => {
  await deleteMachine({ actor, machineId: params.id! });
  return new Response(null, { status: 204 });
});
