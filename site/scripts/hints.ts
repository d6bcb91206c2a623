// Hints are in the page but hidden; the button reveals the next one. How many are shown is kept per
// lab in localStorage, so a reload keeps them open.

export function setUpHints(lab: string, list: HTMLElement, button: HTMLButtonElement): void {
  const items = [...list.children] as HTMLElement[];
  const key = `streamlab.hints.${lab}`;
  let shown = Math.min(Number(localStorage.getItem(key) ?? 0) || 0, items.length);
  const render = () => {
    items.forEach((item, i) => (item.hidden = i >= shown));
    button.hidden = shown >= items.length;
    button.textContent = shown === 0 ? `Show a hint (1 of ${items.length})` : `Show the next hint (${shown + 1} of ${items.length})`;
  };
  button.addEventListener('click', () => {
    shown = Math.min(shown + 1, items.length);
    localStorage.setItem(key, String(shown));
    render();
  });
  render();
}
