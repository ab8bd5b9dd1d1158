// The treemap of leve analyze's HTML report: a squarified layout of the
// tree in #leve-tree drawn as SVG rectangles into #treemap. Clicking a box
// zooms into it, the path above the map zooms out, hovering shows sizes.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var KIND = { code: "#4e79a7", pcln: "#f28e2b", data: "#59a14f", symtab: "#b07aa1", shared: "#9c755f", metadata: "#a0a4ab", unattributed: "#e15759", reflect: "#edc948" };
  var MAXDEPTH = 3, HEAD = 17, CHAR = 6.3;
  var tree = JSON.parse(document.getElementById("leve-tree").textContent);
  var svg = document.getElementById("treemap");
  var tip = document.getElementById("tip");
  var crumbs = document.getElementById("crumbs");
  var current = tree;

  (function link(n, p, mod) {
    n.p = p;
    if (n.k === "module") mod = n.n;
    n.m = mod || n.n;
    (n.c || []).forEach(function (c) { link(c, n, mod); });
  })(tree, null, null);

  function fmt(v) {
    if (v < 1e3) return v + " B";
    if (v < 1e6) return (v / 1e3).toFixed(1) + " KB";
    if (v < 1e9) return (v / 1e6).toFixed(1) + " MB";
    return (v / 1e9).toFixed(2) + " GB";
  }
  function pct(a, b) { return b ? (100 * a / b).toFixed(1) + "%" : "-"; }
  function hue(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
    return h % 360;
  }
  function fill(n, expanded, depth) {
    if (!n.c) return KIND[n.k] || "#888";
    var h = hue(n.m);
    if (n.n === "not in a package") return expanded ? "#e6e7e9" : "#a0a4ab";
    if (expanded) return "hsl(" + h + ",35%," + (depth === 0 ? 84 : 91) + "%)";
    return "hsl(" + h + ",12%,50%)";
  }
  function fit(text, width) {
    if (text.length * CHAR <= width) return text;
    var n = Math.floor(width / CHAR) - 1;
    return n < 3 ? "" : text.slice(0, n) + "\u2026";
  }

  // squarify lays out items (sorted, largest first) in the rectangle.
  function squarify(items, x, y, w, h) {
    var out = [], total = 0;
    items.forEach(function (n) { total += n.s; });
    if (total <= 0 || w <= 0 || h <= 0) return out;
    var scale = w * h / total;
    var rest = items.map(function (n) { return { n: n, a: n.s * scale }; });
    function worst(row, side) {
      var s = 0, mx = 0, mn = Infinity;
      row.forEach(function (r) { s += r.a; mx = Math.max(mx, r.a); mn = Math.min(mn, r.a); });
      return Math.max(side * side * mx / (s * s), s * s / (side * side * mn));
    }
    while (rest.length) {
      var side = Math.min(w, h), row = [], best = Infinity, i = 0;
      while (i < rest.length) {
        var cand = row.concat([rest[i]]), r = worst(cand, side);
        if (row.length && r > best) break;
        row = cand; best = r; i++;
      }
      rest = rest.slice(row.length);
      var area = 0;
      row.forEach(function (c) { area += c.a; });
      if (w >= h) {
        var rw = area / h, yy = y;
        row.forEach(function (c) { var ch = c.a / rw; out.push({ n: c.n, x: x, y: yy, w: rw, h: ch }); yy += ch; });
        x += rw; w -= rw;
      } else {
        var rh = area / w, xx = x;
        row.forEach(function (c) { var cw = c.a / rh; out.push({ n: c.n, x: xx, y: y, w: cw, h: rh }); xx += cw; });
        y += rh; h -= rh;
      }
    }
    return out;
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    parent.appendChild(e);
    return e;
  }
  function label(parent, x, y, text, cls) {
    var t = el("text", { x: x, y: y }, parent);
    if (cls) t.setAttribute("class", cls);
    t.textContent = text;
  }

  function drawChildren(n, x, y, w, h, depth) {
    var kids = (n.c || []).filter(function (c) { return c.s > 0; });
    kids.sort(function (a, b) { return b.s - a.s; });
    squarify(kids, x, y, w, h).forEach(function (r) { drawNode(r, depth); });
  }

  function drawNode(r, depth) {
    var n = r.n;
    var expand = n.c && depth < MAXDEPTH && r.w > 40 && r.h > HEAD + 14;
    var g = el("g", { "class": "node" }, svg);
    var rect = el("rect", { x: r.x.toFixed(1), y: r.y.toFixed(1), width: Math.max(r.w, 0).toFixed(1), height: Math.max(r.h, 0).toFixed(1), fill: fill(n, expand, depth) }, g);
    if (n.c) rect.setAttribute("class", "group");
    rect.leve = n;
    if (expand) {
      var head = fit(n.n + "  " + fmt(n.s), r.w - 8);
      if (head) label(g, r.x + 4, r.y + 12.5, head, "head");
      drawChildren(n, r.x + 2, r.y + HEAD, r.w - 4, r.h - HEAD - 2, depth + 1);
    } else if (r.w > 30 && r.h > 14) {
      var text = fit(n.n, r.w - 8);
      if (text) label(g, r.x + 4, r.y + 12.5, text);
      var size = fmt(n.s);
      if (r.h > 30 && text && size.length * CHAR <= r.w - 8) label(g, r.x + 4, r.y + 26, size);
    }
  }

  function path(n) {
    var p = [];
    for (; n; n = n.p) p.unshift(n);
    return p;
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var box = svg.getBoundingClientRect();
    var W = Math.max(box.width, 200), H = Math.max(box.height, 200);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    drawChildren(current, 0, 0, W, H, 0);
    crumbs.textContent = "";
    path(current).forEach(function (n, i, all) {
      if (i) crumbs.appendChild(document.createTextNode(" \u203a "));
      var a = document.createElement(i === all.length - 1 ? "span" : "a");
      a.textContent = n.n + " (" + fmt(n.s) + ")";
      if (i === all.length - 1) a.className = "here";
      else a.onclick = function () { zoom(n); };
      crumbs.appendChild(a);
    });
  }

  function zoom(n) {
    if (!n || !n.c || n === current) return;
    current = n;
    tip.style.display = "none";
    var names = path(n).slice(1).map(function (x) { return x.n; });
    history.replaceState(null, "", names.length ? "#zoom=" + encodeURIComponent(names.join("|")) : "#");
    draw();
  }

  // fromHash finds the node named by "#zoom=MODULE|PACKAGE", so that a
  // zoomed view can be linked to.
  function fromHash() {
    var m = /^#zoom=(.*)$/.exec(location.hash), n = tree;
    if (!m) return tree;
    decodeURIComponent(m[1]).split("|").forEach(function (name) {
      var next = (n.c || []).filter(function (c) { return c.n === name && c.c; })[0];
      if (next) n = next;
    });
    return n;
  }

  svg.addEventListener("click", function (e) {
    var n = e.target.leve;
    if (!n) return;
    // Zoom one level: into the ancestor of n that is a child of the current root.
    var p = path(n), i = p.indexOf(current);
    var target = p[i + 1] && p[i + 1].c ? p[i + 1] : null;
    if (target === n || (target && !n.c)) zoom(target);
    else if (n.c) zoom(n);
  });
  svg.addEventListener("mousemove", function (e) {
    var n = e.target.leve;
    if (!n) { tip.style.display = "none"; return; }
    var names = path(n).slice(1).map(function (x) { return x.n; });
    var html = "<b></b>" + fmt(n.s) + " \u00b7 " + pct(n.s, tree.s) + " of the file";
    if (n.p && n.p !== tree) html += " \u00b7 " + pct(n.s, n.p.s) + " of " + n.p.n.replace(/[<>&]/g, "");
    tip.innerHTML = html;
    tip.firstChild.textContent = names.join(" \u203a ");
    if (n.k === "package") {
      var d = document.createElement("div");
      d.textContent = n.c.map(function (c) { return c.n + " " + fmt(c.s); }).join(", ");
      tip.appendChild(d);
    }
    tip.style.display = "block";
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = e.clientX - tip.offsetWidth - 10;
    if (y + tip.offsetHeight > window.innerHeight) y = e.clientY - tip.offsetHeight - 10;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
  svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  document.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Backspace") && current.p) zoom(current.p);
  });
  window.addEventListener("resize", draw);

  // Sortable tables: click a header to sort by that column.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var desc = false;
      th.title = "sort";
      th.onclick = function () {
        desc = !desc;
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = x.dataset.v !== undefined ? +x.dataset.v : x.textContent;
          var vy = y.dataset.v !== undefined ? +y.dataset.v : y.textContent;
          var c = vx < vy ? -1 : vx > vy ? 1 : 0;
          return desc ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
    });
  });

  current = fromHash();
  draw();
})();
