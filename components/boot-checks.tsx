import { z } from "zod";
import { bootCheckNames, bootTestSchema } from "@/contracts/build-result";

const LABELS: Record<(typeof bootCheckNames)[number], string> = {
  marker: "Self-test marker",
  screen: "Prompt on screen",
  keyboard: "USB keyboard",
  network: "DHCP lease",
  ssh: "SSH key login",
  hostname: "Hostname",
  timezone: "Timezone",
  keymap: "Keyboard layout",
  users: "Users, groups and keys",
  "kernel-args": "Kernel arguments",
  files: "Files",
  "first-boot": "First-boot script",
};

/** The boot test's checks per firmware (which passed, when, what was seen), from a stored build result. */
export function BootChecks({ bootTests }: { bootTests: unknown }) {
  const parsed = z.array(bootTestSchema).safeParse(bootTests);
  if (!parsed.success) return null;
  const boots = parsed.data.filter((t) => t.checks?.length);
  if (boots.length === 0) return null;
  const names = bootCheckNames.filter((name) => boots.some((t) => t.checks!.some((c) => c.name === name)));
  return (
    <table data-testid="boot-checks" className="mt-3 w-full text-left text-xs">
      <thead className="text-slate-500">
        <tr>
          <th className="py-1 pr-4 font-normal">Check</th>
          {boots.map((t) => (
            <th key={t.firmware} className="py-1 pr-4 font-normal">
              {t.firmware.toUpperCase()}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {names.map((name) => (
          <tr key={name} data-testid={`boot-check-${name}`} className="border-t border-slate-100">
            <td className="py-1 pr-4 text-slate-700">{LABELS[name]}</td>
            {boots.map((t) => {
              const check = t.checks!.find((c) => c.name === name);
              if (!check)
                return (
                  <td key={t.firmware} className="py-1 pr-4 text-slate-400">
                    —
                  </td>
                );
              return (
                <td key={t.firmware} className={`py-1 pr-4 ${check.passed ? "text-emerald-700" : "text-red-700"}`} title={check.detail ?? check.problem}>
                  {check.passed ? "passed" : "failed"} at {check.seconds.toFixed(1)} s
                  {check.detail || check.problem ? <span className="block text-slate-500">{check.detail ?? check.problem}</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
