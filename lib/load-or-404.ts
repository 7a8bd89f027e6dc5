import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";

/** Someone else's object and a missing one both render the 404 page. */
export async function loadOr404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
