export { StatusBadge } from "@/components/builds/status-badge";

export function formatDuration(start: Date | null, end: Date | null): string {
  if (!start || !end) return "—";
  const seconds = Math.round((end.getTime() - start.getTime()) / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
