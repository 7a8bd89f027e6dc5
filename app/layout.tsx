import type { Metadata } from "next";
import { ZodJitless } from "@/components/zod-jitless";
import logo from "@/components/logo.svg";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ZXCV Composer", template: "%s · ZXCV Composer" },
  description: "Compose, build and download ZXCV Linux ISOs",
  // The logo's URL carries its hash and is cached for good; app/favicon.ico is linked by Next.js itself.
  icons: { icon: [{ url: logo.src, type: "image/svg+xml" }] },
};

// Every page is rendered per request, so that Next.js can put the request's CSP nonce (proxy.ts) on its scripts.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <ZodJitless />
        {children}
      </body>
    </html>
  );
}
