export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-4 py-12">
      <p className="mb-8 text-center text-lg font-semibold tracking-tight">
        ZXCV <span className="text-indigo-600">Composer</span>
      </p>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
    </main>
  );
}
