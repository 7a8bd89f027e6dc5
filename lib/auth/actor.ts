/** Who is acting. Every data-access function takes one and checks permission itself. */
export type Actor = { id: string; role: "ADMIN" | "MEMBER"; email: string; name: string };

export function isAdmin(actor: Actor): boolean {
  return actor.role === "ADMIN";
}
