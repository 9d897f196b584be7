/** Reloads the page (typed structurally: `Location.reload` is window-only and these modules are also type-checked for workers). */
export function reloadPage(): void {
  (location as unknown as { reload(): void }).reload();
}
