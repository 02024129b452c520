import { isCommandError } from "./api";
import { commandErrorText, type Lang } from "./i18n";

/** What a screen shows while a command runs and after it fails. */
export interface TaskView {
  /** Called with true before the command and false after it. */
  busy(on: boolean): void;
  /** The error to show ("" clears it before the command starts). */
  error(text: string): void;
}

/** The words for a failed command; `detail` adds the core's message (a refused file names
 * its row and header). */
export function failureText(e: unknown, lang: Lang, detail = false): string {
  if (!isCommandError(e)) return String(e);
  const text = commandErrorText(e, lang);
  return detail && e.code === "bad_document" ? `${text} ${e.message}` : text;
}

/** Runs one command for a screen: busy while it runs, its error shown, undefined on failure. */
export async function runTask<T>(f: () => Promise<T>, lang: Lang, view: TaskView, detail = false): Promise<T | undefined> {
  view.busy(true);
  view.error("");
  try {
    return await f();
  } catch (e) {
    view.error(failureText(e, lang, detail));
    return undefined;
  } finally {
    view.busy(false);
  }
}
