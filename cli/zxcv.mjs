#!/usr/bin/env node
// Launcher for the `zxcv` bin: runs the TypeScript CLI through tsx, from wherever it is installed.
import { register } from "tsx/esm/api";

register();
await import("./zxcv.ts");
