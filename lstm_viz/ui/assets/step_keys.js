// The step keys of the whole page: → / Page Down press "Next step", ← / Page Up press "Previous step", so a
// teacher steps with the arrow keys or a presentation clicker (it sends Page Down / Page Up) wherever the
// page has the focus. Keys meant for a control are left to it: a slider, a text box, the tabs, a menu.

const KEYS = { ArrowRight: "forward", PageDown: "forward", ArrowLeft: "back", PageUp: "back" };
const OWN_KEYS = [
  "input", "textarea", "select", "[contenteditable='true']",
  "[role=slider]", "[role=tab]", "[role=tablist]", "[role=listbox]", "[role=combobox]", "[role=menu]",
  "[role=radiogroup]", "[role=option]", "[role=dialog]",
].join(", ");

function onKey(event) {
  const direction = KEYS[event.key];
  if (!direction || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.target instanceof Element && event.target.closest(OWN_KEYS)) return;
  const button = document.querySelector(`.st-key-step-${direction} button`);
  if (!button || button.disabled) return; // no step controls on this view
  event.preventDefault(); // Page Down would also scroll the page
  button.click();
}

export default function () {
  if (window.lstmVizStepKeys) return; // one listener for the page, however often the controls are drawn
  window.lstmVizStepKeys = true;
  document.addEventListener("keydown", onKey);
}
