// Checks run inside the page by the browser suite (tests/browser/conftest.py). Returns a report of
// what breaks WCAG 2.2 AA text contrast (1.4.3) and target size (2.5.8), and the page's layout facts.
// Plain functions of the rendered page: getComputedStyle and getBoundingClientRect, nothing else.
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  // "over" compositing: a translucent colour seen over an opaque one.
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  // WCAG 2.2 relative luminance and contrast ratio.
  const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  // The opaque colour behind an element: its own and its ancestors' backgrounds, composited.
  const backdrop = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 }; // the canvas
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const effectiveOpacity = (el) => {
    let opacity = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      opacity *= Number(getComputedStyle(node).opacity);
    }
    return opacity;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false; // visually hidden (Bootstrap clips to 1 px)
    return !el.closest("[hidden], [aria-hidden=true], .visually-hidden, .visually-hidden-focusable:not(:focus)");
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].slice(0, 3).join(".");
    return name;
  };

  // 1.4.3: every element that holds text of its own.
  const contrast = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(" ");
    if (!own || !visible(el)) continue;
    if (el.closest(":disabled, .disabled, [aria-disabled=true]")) continue; // inactive components are exempt
    if (["SCRIPT", "STYLE", "NOSCRIPT", "OPTION"].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    if (!fg) continue;
    fg.a *= effectiveOpacity(el);
    const bg = backdrop(el);
    const value = ratio(over(fg, bg), bg);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (value + 0.005 < needed) {
      contrast.push({ element: describe(el), text: own.slice(0, 60), ratio: Math.round(value * 100) / 100, needed });
    }
  }

  // 2.5.8: targets of at least 24 by 24 CSS pixels, or spaced so that a 24-px circle centred on each
  // undersized one touches no other target nor another undersized target's circle. Links inside a
  // sentence are exempt (their size is set by the line of text).
  const interactive = [...document.body.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex='-1'])"
  )].filter(visible);
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = el.parentElement.closest("p, li, td, dd, label, .form-text, .alert, small, span");
    if (!block) return false;
    const text = block.textContent.replace(/\s+/g, " ").trim();
    const own = el.textContent.replace(/\s+/g, " ").trim();
    return text.length > own.length + 3; // other words share the line
  };
  const boxes = interactive.map((el) => ({ el, box: el.getBoundingClientRect() }));
  const centre = (b) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
  const distanceToBox = (p, b) => {
    const dx = Math.max(b.left - p.x, 0, p.x - b.right);
    const dy = Math.max(b.top - p.y, 0, p.y - b.bottom);
    return Math.hypot(dx, dy);
  };
  const small = boxes.filter(({ el, box }) => (box.width < 23.5 || box.height < 23.5) && !inSentence(el));
  const targets = [];
  // This project's rule, stricter than 2.5.8's spacing exception: controls (buttons, check boxes,
  // radio buttons) and the links of the bars (navigation, footer) are 24 by 24 px themselves.
  const control = "button, .btn, input[type=checkbox], input[type=radio], input[type=submit], .navbar a, footer a";
  for (const target of small.filter(({ el }) => el.matches(control))) {
    targets.push({
      element: describe(target.el),
      text: (target.el.textContent || target.el.getAttribute("aria-label") || target.el.name || "").trim().slice(0, 40),
      width: Math.round(target.box.width * 10) / 10,
      height: Math.round(target.box.height * 10) / 10,
      rule: "a control under 24×24 px",
    });
  }
  for (const target of small.filter(({ el }) => !el.matches(control))) {
    const c = centre(target.box);
    const crowded = boxes.some((other) => {
      if (other.el === target.el || other.el.contains(target.el) || target.el.contains(other.el)) return false;
      if (distanceToBox(c, other.box) < 12) return true;
      return small.includes(other) && Math.hypot(centre(other.box).x - c.x, centre(other.box).y - c.y) < 24;
    });
    if (crowded) {
      targets.push({
        element: describe(target.el),
        text: (target.el.textContent || target.el.getAttribute("aria-label") || "").trim().slice(0, 40),
        width: Math.round(target.box.width * 10) / 10,
        height: Math.round(target.box.height * 10) / 10,
        rule: "under 24×24 px and closer than 12 px to another target",
      });
    }
  }

  // The words a reader sees in the page's language: text and accessible attributes, without what is
  // marked as another language (the language switcher, a name in the other script).
  const pageLang = (document.documentElement.getAttribute("lang") || "").split("-")[0];
  const foreign = (el) => {
    const marked = el.closest("[lang]");
    return marked && marked.getAttribute("lang").split("-")[0] !== pageLang;
  };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName)) continue;
    if (foreign(el) || !el.getClientRects().length) continue;
    texts.push(node.textContent.replace(/\s+/g, " ").trim());
  }
  for (const option of document.body.querySelectorAll("select option")) {
    if (!foreign(option) && option.textContent.trim()) texts.push(option.textContent.trim());
  }
  for (const el of document.body.querySelectorAll("[aria-label], [placeholder], [title], img[alt], input[type=submit][value]")) {
    if (foreign(el)) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
    if (el.matches("input[type=submit]")) texts.push(el.value);
  }

  const root = document.documentElement;
  return {
    texts,
    lang: root.getAttribute("lang"),
    dir: root.getAttribute("dir"),
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    contrast,
    targets,
  };
}
