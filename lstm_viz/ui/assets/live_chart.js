// A Plotly chart that stays mounted while the step moves: each new figure is drawn with Plotly.react into
// the same div, and traces that did not change are handed back as the very objects Plotly already holds,
// so it skips recomputing them (a heatmap's image, the belt's data) and only redraws what moved.
// plotly.js is the plotly Python package's own copy, served by the app's server (no network).

function plotlyLibrary(url) {
  // Streamlit serves a component's files as "Cache-Control: public" with no max-age and no validator, so a
  // <script src> would download all 4.7 MB again on every page load. "force-cache" takes the copy the browser
  // already holds, fresh or not: the URL names plotly's version, so an upgraded server is fetched anew.
  if (!window.lstmVizPlotly) {
    window.lstmVizPlotly = fetch(new URL(url, window.location.href).href, { cache: "force-cache" })
      .then((response) => {
        if (!response.ok) throw new Error(`plotly.js did not load from ${url}: HTTP ${response.status}`);
        return response.text();
      })
      .then((code) => {
        const script = document.createElement("script");
        script.textContent = code; // runs as the element is added
        document.head.appendChild(script);
        return window.Plotly;
      })
      .catch((error) => {
        window.lstmVizPlotly = null; // a failed download (a Wi-Fi hiccup) is tried again by the next chart
        throw error;
      });
  }
  return window.lstmVizPlotly;
}

function keepUnchanged(previous, traces) {
  // previous: [{text, trace}] of the last draw; a trace with the same JSON keeps its old object.
  return traces.map((trace, index) => {
    const text = JSON.stringify(trace);
    const old = previous[index];
    return old && old.text === text ? old : { text, trace };
  });
}

function followWidth(div, Plotly) {
  // config.responsive only follows the window; the sidebar opening or closing changes the column alone.
  if (div.lstmVizResize) return;
  let width = div.clientWidth;
  div.lstmVizResize = new ResizeObserver(() => {
    // 0 wide: a hidden tab or a chart on its way out, where Plotly cannot (and need not) measure it
    if (div.clientWidth > 0 && div.clientWidth !== width && div._fullLayout) {
      width = div.clientWidth;
      Plotly.Plots.resize(div).catch(() => {}); // purged in between: the next draw sizes it anyway
    }
  });
  div.lstmVizResize.observe(div);
}

const FIT_MIN_HEIGHT = 320; // px: shorter, a diagram's fixed-size labels would crowd it
const FIT_MARGIN = 16; // px left above and below a chart fitted to the window

const STILL = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };

async function moveToFrame(div, Plotly, figure, frame) {
  // The animation on screen, at another frame: play just that frame, as the chart's own slider does (its
  // traces and the slider's handle move). Plotly.react would add every frame again and redraw the whole
  // figure with its slider, each step label measured anew.
  div.lstmVizMoving = true;
  try {
    await Plotly.animate(div, [frame], STILL);
  } finally {
    div.lstmVizMoving = false;
  }
  // ▶ plays on from this frame, as in the figure. Plotly.relayout of the buttons' frame lists would redraw the
  // menus and rebind the figure's drag handlers (measured: three times the cost of the move), so each drawn
  // button (a d3 element whose datum holds the options it runs when clicked) is handed its new list.
  const menus = (figure.layout && figure.layout.updatemenus) || [];
  for (const button of div.querySelectorAll(".updatemenu-button")) {
    let group = button.parentNode; // the drawn menu: its datum is the menu's options
    while (!(group.__data__ && group.__data__.buttons)) group = group.parentNode;
    button.__data__.args = menus[group.__data__._index].buttons[button.__data__._index].args;
  }
  div.lstmVizTraces = []; // the frame changed the drawn traces in place: none is still the one last sent
}

function reportStops(div) {
  // A student's ▶ that played to the end, ❚❚, or a click on the chart's own slider leaves the animation at a frame
  // the page's step slider does not know: tell the app, so that the page's step follows the chart.
  if (div.lstmVizReports) return;
  div.lstmVizReports = true;
  div.on("plotly_animatingframe", (event) => {
    div.lstmVizFrame = event.name;
  });
  const report = () => {
    if (div.lstmVizMoving || div.lstmVizFrame == null || div.lstmVizFrame === div.lstmVizShown) return;
    div.lstmVizShown = div.lstmVizFrame; // the app's own moves (lstmVizMoving) are not the student's
    div.lstmVizReport("frame", div.lstmVizFrame);
  };
  div.on("plotly_animated", report);
  div.on("plotly_animationinterrupted", report);
}

async function draw(div, Plotly, figure, config, moved) {
  if (moved && div._fullLayout && !div.lstmVizAnimated && div.lstmVizAnimation === moved.animation) {
    const done = await moveToFrame(div, Plotly, figure, moved.frame).then(
      () => true,
      () => false, // interrupted (a ▶ pressed meanwhile): draw the whole figure below
    );
    if (done) return;
  }
  const spec = {
    layout: figure.layout || {},
    frames: figure.frames || [],
    config: { responsive: true, ...config },
  };
  if (div.lstmVizAnimated) {
    // A frame animation (the belt's ▶) keeps its own queue and timers inside the plot, which Plotly.react
    // does not reset: it would play on over the new figure, and a later ▶ would resume from the old frame.
    // So a chart that has animated is stopped and drawn afresh once.
    const stop = { mode: "immediate", frame: { duration: 0 }, transition: { duration: 0 } };
    div.lstmVizMoving = true; // this stop is the app's, not a student's ❚❚: not reported
    await Plotly.animate(div, [null], stop).catch(() => {}); // stopped already: nothing to wait for
    div.lstmVizMoving = false;
    Plotly.purge(div);
    div.lstmVizAnimated = false;
    div.lstmVizTraces = [];
  }
  const traces = keepUnchanged(div.lstmVizTraces || [], figure.data || []);
  div.lstmVizTraces = traces;
  const fresh = !div._fullLayout;
  await Plotly.react(div, { data: traces.map((t) => t.trace), ...spec });
  div.lstmVizAnimation = moved ? moved.animation : null;
  if (fresh) {
    div.on("plotly_animating", () => {
      if (!div.lstmVizMoving) div.lstmVizAnimated = true; // a student's ▶ or a drag of the chart's slider
    });
  }
}

export default function (component) {
  const { parentElement } = component;
  const data = JSON.parse(new TextDecoder().decode(component.data)); // bytes: see live_chart.payload
  let div = parentElement.querySelector(":scope > .lstm-viz-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "lstm-viz-live-chart";
    div.style.width = "100%";
    parentElement.appendChild(div);
  }
  const figure = data.figure;
  const layout = figure.layout || {};
  if (layout.meta && layout.meta.fit_height && layout.height) {
    // drawn to scale (figures/theme.py, FIT_HEIGHT_KEY): no taller than the window, so that on a 720-px projector
    // the whole diagram shows once scrolled to (it keeps its proportions and narrows)
    layout.height = Math.min(layout.height, Math.max(FIT_MIN_HEIGHT, window.innerHeight - FIT_MARGIN));
  }
  div.style.height = (layout.height || 450) + "px";
  // A diagram drawn to scale keeps its labels apart only so wide (figures/theme.py, MIN_WIDTH_KEY): in a
  // narrower column (a phone) it keeps that width and the column scrolls sideways.
  const minWidth = layout.meta && layout.meta.min_width;
  div.style.minWidth = minWidth ? minWidth + "px" : "";
  parentElement.style.overflowX = minWidth ? "auto" : "";
  div.lstmVizReport = component.setTriggerValue; // this render's: an older one may point at a gone session
  const drawn = (div.lstmVizDrawn = (div.lstmVizDrawn || Promise.resolve()).then(async () => {
    const Plotly = await plotlyLibrary(data.library);
    await draw(div, Plotly, figure, data.config, data.moved);
    if (data.moved) div.lstmVizShown = data.moved.frame;
    if (data.reports) reportStops(div);
    followWidth(div, Plotly);
  }));
  drawn.catch((error) => console.error(error));
}
