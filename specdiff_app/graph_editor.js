// The graph editor's canvas (a Streamlit components.v2 module; vis-network is prepended to
// this file by specdiff_app/graph_editor.py, so globalThis.vis exists). No build step.
//
// The server owns the drawing. Each edit made here is drawn at once and queued; the queue
// goes to the server as the state value "edits" = {base, seq, ops}: the edits from number
// seq of the stream that started at the drawing named base. The server answers with the
// drawing (data.nodes/edges, coloured by R_eff), data.base and data.applied, the count of
// edits it has taken; the queue drops those and what is left is drawn again on top.

const EDITORS = new WeakMap();
const HINTS = {
  draw: "Click empty space: add a node · click two nodes: join them · drag a node: move it",
  delete: "Click a node or an edge to delete it",
  weight: "Click an edge to give it the weight in the box",
  cut: "Click an edge to cut it: every other edge shows how much its R_eff rises",
};

function build(root) {
  const el = document.createElement("div");
  el.className = "sd-editor";
  el.innerHTML = `
    <div class="sd-bar" role="toolbar" aria-label="graph editor">
      <span class="sd-modes">
        <button type="button" data-mode="draw" aria-pressed="true">Draw</button>
        <button type="button" data-mode="delete" aria-pressed="false">Delete</button>
        <button type="button" data-mode="weight" aria-pressed="false">Weight</button>
        <button type="button" data-mode="cut" aria-pressed="false">Cut an edge</button>
      </span>
      <label>weight <input class="sd-weight" type="number" value="1" min="0.001" step="0.5"></label>
      <button type="button" class="sd-undo">Undo</button>
      <button type="button" class="sd-fit">Fit view</button>
    </div>
    <div class="sd-net" role="img" aria-label="graph being drawn, edges coloured by R_eff"></div>
    <div class="sd-hint"></div>`;
  root.appendChild(el);
  return el;
}

function createEditor(parentElement) {
  const el = build(parentElement);
  const nodes = new vis.DataSet([]);
  const edges = new vis.DataSet([]);
  const net = new vis.Network(el.querySelector(".sd-net"), { nodes, edges }, {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: { hover: true, dragNodes: true, selectConnectedEdges: false, keyboard: false, tooltipDelay: 60 },
    nodes: { shape: "dot", size: 11, borderWidth: 1.5, color: { background: "#ffffff", border: "#333333",
      highlight: { background: "#ffd966", border: "#333333" } }, font: { size: 12, face: "sans-serif" } },
    edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 1.0 },
  });
  const s = { el, nodes, edges, net, base: null, acked: 0, pending: [], nextId: 0,
    first: null, mode: "draw", send: null, data: null };

  const hint = el.querySelector(".sd-hint");
  const setMode = (mode) => {
    s.mode = mode;
    s.first = null;
    net.unselectAll();
    el.querySelectorAll("[data-mode]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mode === mode)));
    hint.textContent = HINTS[mode];
    if (mode !== "cut") s.send("cut", null);
  };
  el.querySelectorAll("[data-mode]").forEach((b) => b.addEventListener("click", () => setMode(b.dataset.mode)));
  el.querySelector(".sd-undo").addEventListener("click", () => push(s, { op: "undo" }));
  el.querySelector(".sd-fit").addEventListener("click", () => net.fit({ animation: false }));
  hint.textContent = HINTS.draw;
  const weight = () => Number(el.querySelector(".sd-weight").value);

  net.on("click", (p) => {
    const node = p.nodes.length ? p.nodes[0] : null;
    const edge = !node && p.edges.length ? edges.get(p.edges[0]) : null;
    if (s.mode === "draw") {
      if (node === null && edge === null) {
        const { x, y } = p.pointer.canvas;
        push(s, { op: "add_node", id: s.nextId++, x: Math.round(x), y: Math.round(y) });
        s.first = null;
      } else if (node !== null && s.first !== null && s.first !== node) {
        push(s, { op: "add_edge", u: s.first, v: node, weight: weight() });
        s.first = null;
        net.unselectAll();
      } else if (node !== null) {
        s.first = node;
        net.selectNodes([node]);
      }
    } else if (s.mode === "delete") {
      if (node !== null) push(s, { op: "delete_node", id: node });
      else if (edge) push(s, { op: "delete_edge", u: edge.from, v: edge.to });
    } else if (s.mode === "weight" && edge) {
      push(s, { op: "set_weight", u: edge.from, v: edge.to, weight: weight() });
    } else if (s.mode === "cut") {
      s.send("cut", edge ? [edge.from, edge.to] : null);
    }
  });
  net.on("dragEnd", (p) => {
    if (!p.nodes.length) return;
    const at = net.getPositions(p.nodes);
    p.nodes.forEach((id) => push(s, { op: "move_node", id, x: Math.round(at[id].x), y: Math.round(at[id].y) }));
  });
  return s;
}

// Draw one queued edit before the server has answered (undo waits for the server).
function drawLocally(s, op) {
  if (op.op === "add_node") s.nodes.update({ id: op.id, x: op.x, y: op.y, label: String(op.id) });
  else if (op.op === "move_node") s.nodes.update({ id: op.id, x: op.x, y: op.y });
  else if (op.op === "delete_node") {
    s.edges.remove(s.edges.getIds({ filter: (e) => e.from === op.id || e.to === op.id }));
    s.nodes.remove(op.id);
  } else if (op.op === "add_edge" && s.nodes.get(op.u) && s.nodes.get(op.v)) {
    const [u, v] = op.u < op.v ? [op.u, op.v] : [op.v, op.u];
    s.edges.update({ id: `${u}-${v}`, from: u, to: v, color: { color: "#999999" } });
  } else if (op.op === "delete_edge") {
    const [u, v] = op.u < op.v ? [op.u, op.v] : [op.v, op.u];
    s.edges.remove(`${u}-${v}`);
  }
}

function push(s, op) {
  s.pending.push(op);
  drawLocally(s, op);
  s.send("edits", { base: s.base, seq: s.acked, ops: s.pending.slice() });
}

function replace(set, items) {
  const keep = new Set(items.map((x) => x.id));
  set.remove(set.getIds({ filter: (x) => !keep.has(x.id) }));
  set.update(items);
}

function update(s, data) {
  const fresh = data.base !== s.base;
  if (fresh) {
    s.base = data.base;
    s.pending = [];
  } else {
    s.pending.splice(0, Math.max(0, data.applied - s.acked));
  }
  s.acked = data.applied;
  s.nextId = Math.max(s.nextId, data.next_id);
  replace(s.nodes, data.nodes);
  replace(s.edges, data.edges);
  s.pending.forEach((op) => drawLocally(s, op));
  if (fresh && data.nodes.length) s.net.fit({ animation: false });
  else if (fresh) s.net.moveTo({ position: { x: 0, y: 0 }, scale: 1, animation: false });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let s = EDITORS.get(parentElement);
  if (!s) {
    s = createEditor(parentElement);
    EDITORS.set(parentElement, s);
  }
  s.send = setStateValue;
  update(s, data);
  return () => {
    s.net.destroy();
    EDITORS.delete(parentElement);
  };
}
