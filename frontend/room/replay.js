// The replay slider over the editor's history. The frames come from the page:
// [{"at": ISO time, "code": text}, …] in the JSON script named by data-replay.
for (const box of document.querySelectorAll("[data-replay]")) {
  const source = document.getElementById(box.dataset.replay);
  const frames = source ? JSON.parse(source.textContent) : [];
  const slider = box.querySelector("input[type=range]");
  const output = box.querySelector("pre code, pre");
  const label = box.querySelector("[data-replay-time]");
  if (!frames.length || !slider || !output) continue;
  const start = Date.parse(frames[0].at);
  const format = (ms) => {
    const s = Math.max(0, Math.round(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  slider.min = "0";
  slider.max = String(frames.length - 1);
  slider.value = slider.max;
  const show = () => {
    const frame = frames[Number(slider.value)];
    output.textContent = frame.code;
    if (label) label.textContent = `${format(Date.parse(frame.at) - start)} after the first keystroke`;
    slider.setAttribute("aria-valuetext", label ? label.textContent : frame.at);
  };
  slider.addEventListener("input", show);
  show();
}
