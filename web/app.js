// Runs the WebAssembly decoder (decoder.wasm, built from web/decoder) on a
// dropped or picked .pxcz file, or on ?file=URL, and shows the image beside
// its "pxcz info". #status's data-state ends as "done" or "error", which
// the browser test reads.
"use strict";

const status = document.getElementById("status");
const info = document.getElementById("info");
const canvas = document.getElementById("image");

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function decode(name, bytes) {
  show("decoding", "decoding " + name + "…");
  // Let the browser paint the message before the decoder takes the thread.
  setTimeout(() => {
    let r;
    try {
      r = pxczDecode(name, bytes);
    } catch (e) {
      r = { error: String(e) };
    }
    if (r.error) {
      info.textContent = "";
      canvas.width = canvas.height = 0;
      show("error", "error: " + r.error);
      return;
    }
    canvas.width = r.width;
    canvas.height = r.height;
    canvas.style.width = Math.max(r.width, Math.min(512, 8 * r.width)) + "px";
    canvas.getContext("2d").putImageData(new ImageData(r.rgba, r.width, r.height), 0, 0);
    info.textContent = r.info;
    show("done", `decoded ${name}: ${r.width}x${r.height} in ${r.ms.toFixed(1)} ms; pixels sha256 ${r.sha256}`);
    status.dataset.sha256 = r.sha256;
    status.dataset.ms = r.ms;
    console.log(status.textContent);
  }, 0);
}

function readFile(file) {
  file.arrayBuffer().then((buf) => decode(file.name, new Uint8Array(buf)));
}

const drop = document.getElementById("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  if (e.dataTransfer.files.length > 0) readFile(e.dataTransfer.files[0]);
});
document.getElementById("pick").addEventListener("change", (e) => {
  if (e.target.files.length > 0) readFile(e.target.files[0]);
});

const go = new Go();
WebAssembly.instantiateStreaming(fetch("decoder.wasm"), go.importObject)
  .then((wasm) => {
    go.run(wasm.instance);
    const file = new URLSearchParams(location.search).get("file");
    if (!file) {
      show("ready", "ready: drop a .pxcz file");
      return;
    }
    fetch(file)
      .then((resp) => {
        if (!resp.ok) throw new Error(file + ": " + resp.status + " " + resp.statusText);
        return resp.arrayBuffer();
      })
      .then((buf) => decode(file, new Uint8Array(buf)))
      .catch((e) => show("error", "error: " + e.message));
  })
  .catch((e) => show("error", "error: cannot load the decoder: " + e.message));
