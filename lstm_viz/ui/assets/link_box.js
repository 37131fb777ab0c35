// The classroom link as text to read and a button that copies it. Streamlit's st.code did this too, but it
// loads a syntax highlighter (~0.4–0.7 s of a student's CPU on every page load) to show one plain URL.

const COPIED_MS = 1500;

async function copy(text) {
  // The Clipboard API exists only in a secure context (https, localhost); a class on the room's network
  // reaches the app at http://<ip>, where the older select-and-copy still works.
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.cssText = "position: fixed; top: 0; left: 0; opacity: 0;";
  document.body.appendChild(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("the browser refused to copy");
}

function build(parentElement) {
  const box = document.createElement("div");
  box.className = "lstm-viz-link";
  box.style.cssText =
    "display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.5rem 0.6rem; border-radius: 0.5rem;" +
    "background: rgba(151, 166, 195, 0.15); font-size: 0.8rem;";
  const text = document.createElement("code");
  text.style.cssText = "flex: 1; word-break: break-all; font-family: 'Source Code Pro', monospace; background: none;";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy the link");
  button.style.cssText =
    "flex: none; font: inherit; padding: 0.15rem 0.5rem; border-radius: 0.35rem; cursor: pointer;" +
    "border: 1px solid rgba(49, 51, 63, 0.3); background: white; color: inherit;";
  button.addEventListener("click", () => {
    copy(text.textContent).then(
      () => (button.textContent = "Copied ✓"),
      () => (button.textContent = "Select and copy"),
    );
    setTimeout(() => (button.textContent = "Copy"), COPIED_MS);
  });
  box.append(text, button);
  parentElement.appendChild(box);
  return box;
}

export default function (component) {
  const { parentElement } = component;
  const box = parentElement.querySelector(":scope > .lstm-viz-link") || build(parentElement);
  box.querySelector("code").textContent = new TextDecoder().decode(component.data); // text, never HTML
}
