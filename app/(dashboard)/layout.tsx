import { requireActor } from "@/lib/auth/current-actor";
import { signOut } from "../(auth)/actions";
import { Brand } from "@/components/brand";
import { NavLink } from "@/components/nav-link";

const NAV = [
  { href: "/machines", label: "Machines" },
  { href: "/builds", label: "Builds" },
  { href: "/downloads", label: "Downloads" },
  { href: "/hosts", label: "Build hosts" },
  { href: "/settings/tokens", label: "Settings" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Brand href="/machines" />
          <nav aria-label="Main" className="flex flex-wrap gap-1 text-sm">
            {NAV.map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
            {actor.role === "ADMIN" && <NavLink href="/admin/users">Users</NavLink>}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
            <span>{actor.name}</span>
            <form action={signOut}>
              <button className="rounded px-2 py-1 hover:bg-slate-100" type="submit">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
