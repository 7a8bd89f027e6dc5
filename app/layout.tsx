import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ZXCV Composer", template: "%s · ZXCV Composer" },
  description: "Compose, build and download ZXCV Linux ISOs",
  icons: { icon: [{ url: "/favicon.ico", sizes: "16x16 32x32 48x48" }, { url: "/logo.svg", type: "image/svg+xml" }] },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
