import assert from "node:assert/strict";
import { test } from "node:test";
import { hashSystemPassword, sha512Crypt } from "./system-password";

test("sha512-crypt gives the published test vectors and what the ISO's busybox mkpasswd -m sha512 gives", () => {
  assert.equal(
    sha512Crypt("Hello world!", "saltstring"),
    "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
  );
  assert.equal(
    sha512Crypt("Hello world!", "saltstringsaltstring", 10000),
    "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
  );
  // busybox 1.35.0 (the pinned busybox-static): busybox mkpasswd -m sha512 -S abcdefgh secret1
  assert.equal(sha512Crypt("secret1", "abcdefgh"), "$6$abcdefgh$oGoxMtczJ0/xYkNKQnGuC3pOdNoGsZRZNs7n5JzX8KfMJWEmD2Bx4wBt/tMCPvjE87aPyrlQPEKxEcxV6d4J6.");
});

test("a new hash has a random salt and never contains the password", () => {
  const [a, b] = [hashSystemPassword("correct horse"), hashSystemPassword("correct horse")];
  assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.notEqual(a, b);
  assert.ok(!a.includes("correct"));
});
