import { expect, test } from "./fixtures";
import { createMachine, createProfile, save } from "./configurator-helpers";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcnIFZzToqfuIzeNs9ajMfWTUzMxFJChEkRUKp+eYJP alice@laptop";

// The real stack: every customization typed and clicked in the System section, checked as it is typed, saved,
// built by the local build host (real Nix, real QEMU) and read back by the boot test, one result per customization.
test.describe("customizations", () => {
  test.setTimeout(600_000);
  // The build may take minutes; a control that never appears should fail in seconds.
  test.use({ actionTimeout: 20_000 });

  test("set every customization, build, and see each one proven on the build page", async ({ signedInPage: page }) => {
    await createMachine(page, `e2e-custom-${Date.now()}`);
    await createProfile(page, "lab");
    const system = page.getByRole("region", { name: "System" });

    // Validated as typed: a dot is refused with the field named, then fixed.
    const hostname = system.getByLabel("Hostname", { exact: true });
    await hostname.fill("lab.01");
    await expect(system).toContainText('hostname "lab.01" has a dot');
    await hostname.fill("lab-01");
    await expect(system).not.toContainText("has a dot");
    // Customizations are proven over SSH: the configurator says so and offers the fix.
    await expect(page.getByTestId("problem").getByText("customizations are proven by logging in over SSH")).toBeVisible();
    await page.getByRole("button", { name: "Use SSH server Dropbear" }).click();

    const timezone = system.getByLabel("Timezone", { exact: true });
    await timezone.fill("Europe/Berlinn");
    await expect(system).toContainText("is not a zone of the pinned tzdata");
    await timezone.fill("Europe/Berlin");
    await system.getByLabel("Keyboard layout (console keymap)").selectOption("de");

    await system.getByRole("button", { name: "Add user" }).click();
    const user = system.getByRole("group", { name: "User 1" });
    await user.getByLabel("User name").fill("root");
    await expect(user).toContainText("is a system account's name");
    await user.getByLabel("User name").fill("alice");
    await user.getByLabel(/^Groups/).fill("admin, lab");
    await user.getByLabel("New key for SSH keys of alice").fill("-----BEGIN OPENSSH PRIVATE KEY-----");
    await user.getByRole("button", { name: "Add key" }).click();
    await expect(user).toContainText("is a private key: never paste that");
    await user.getByRole("button", { name: "Remove key 1" }).click();
    await user.getByLabel("New key for SSH keys of alice").fill(KEY);
    await user.getByRole("button", { name: "Add key" }).click();
    await user.getByLabel("Password of alice (optional; SSH takes keys only)").fill("correct horse battery");
    await user.getByRole("button", { name: "Set password" }).click();
    await expect(user).toContainText("A password is set for alice.");

    const args = system.getByLabel(/^Kernel arguments/);
    await args.fill('quiet="x"');
    await expect(system).toContainText("has a quote");
    await args.fill("mitigations=off\nzz.lab=1");

    await system.getByRole("button", { name: "Add file" }).click();
    const file = system.getByRole("group", { name: "File 1" });
    await file.getByLabel("Path").fill("/proc/x");
    await expect(file).toContainText("is under /proc, which the system owns");
    await file.getByLabel("Path").fill("/etc/motd");
    await file.getByLabel("Mode").fill("0640");
    await file.getByLabel("Content").fill("Welcome to lab-01\n");

    await system.getByLabel(/^First-boot script/).fill("echo hello from first boot\n");

    // Counted in the size bar, and each one a line of the changes.
    await expect(page.getByText("Customizations: files, script, keys").first()).toBeVisible();
    const changes = page.getByRole("list", { name: "Unsaved changes" });
    await expect(changes).toContainText("hostname lab-01");
    await expect(changes).toContainText("user alice (groups admin,lab, keys alice@laptop, password set)");
    await expect(changes).toContainText("file /etc/motd (mode 0640, 18 bytes)");

    await page.getByRole("tab", { name: "Text" }).click();
    const text = page.getByLabel(/^Profile text/);
    await expect(text).toHaveValue(/^user = alice groups=admin,lab$/m);
    await expect(text).toHaveValue(/^password = alice \$6\$/m);
    await expect(text).not.toHaveValue(/correct horse/);
    await page.getByRole("tab", { name: "Cards" }).click();

    await save(page, "customized");
    await expect(page.getByText(/Saved as revision 2\./)).toBeVisible();
    await page.getByRole("button", { name: "Build revision 2" }).click();
    await expect(page).toHaveURL(/\/builds\/[^/]+$/);
    await expect(page.getByTestId("build-status")).toHaveText("succeeded", { timeout: 540_000 });
    for (const name of ["hostname", "timezone", "keymap", "users", "kernel-args", "files", "first-boot"]) {
      await expect(page.getByTestId(`boot-check-${name}`)).toContainText("passed");
    }
    await expect(page.getByTestId("boot-check-hostname")).toContainText("hostname reads lab-01");
    await expect(page.getByTestId("boot-check-timezone")).toContainText("Europe/Berlin");
    await expect(page.getByTestId("boot-check-keymap")).toContainText("de is loaded");
    await expect(page.getByTestId("boot-check-users")).toContainText("logged in by key as alice");
    await expect(page.getByTestId("boot-check-kernel-args")).toContainText("mitigations=off zz.lab=1");
    await expect(page.getByTestId("boot-check-files")).toContainText("sha256 and mode of each match");
    await expect(page.getByTestId("boot-check-first-boot")).toContainText("ran once, exit=0");
    await expect(page.getByTestId("boot-checks")).not.toContainText("failed");
  });
});
