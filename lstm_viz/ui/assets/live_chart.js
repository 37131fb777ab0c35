// A Plotly chart that stays mounted while the step moves: each new figure is drawn with Plotly.react into
// the same div, and traces that did not change are handed back as the very objects Plotly already holds,
// so it skips recomputing them (a heatmap's image, the belt's data) and only redraws what moved.
// plotly.js is the plotly Python package's own copy, served by the app's server (no network).

function plotlyLibrary(url) {
  if (!window.lstmVizPlotly) {
    window.lstmVizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(url, window.location.href).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load from " + url));
      document.head.appendChild(script);
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

export default function (component) {
  const { parentElement } = component;
  const data = JSON.parse(new TextDecoder().decode(component.data));  // bytes: see live_chart.payload
  let div = parentElement.querySelector(":scope > .lstm-viz-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "lstm-viz-live-chart";
    div.style.width = "100%";
    parentElement.appendChild(div);
  }
  const figure = data.figure;
  div.style.height = (figure.layout && figure.layout.height ? figure.layout.height : 450) + "px";
  const drawn = (div.lstmVizDrawn = (div.lstmVizDrawn || Promise.resolve()).then(async () => {
    const Plotly = await plotlyLibrary(data.library);
    const traces = keepUnchanged(div.lstmVizTraces || [], figure.data || []);
    div.lstmVizTraces = traces;
    await Plotly.react(div, {
      data: traces.map((t) => t.trace),
      layout: figure.layout || {},
      frames: figure.frames || [],
      config: { responsive: true, ...data.config },
    });
  }));
  drawn.catch((error) => console.error(error));
}
