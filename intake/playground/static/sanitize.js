/* Message HTML as a Telegram app shows it: only Telegram's formatting survives.
 *
 * The server already rebuilds message HTML from Telegram entities with everything escaped;
 * this second lock rebuilds the DOM from an allow-list, so nothing else (no attribute, no
 * script, no style) can reach the page even if the server side changed.
 */
"use strict";

(function () {
  const SIMPLE = {
    B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u",
    S: "s", STRIKE: "s", DEL: "s", CODE: "code", PRE: "pre", BLOCKQUOTE: "blockquote",
  };
  const SPAN_CLASSES = new Set([
    "tg-spoiler", "tg-bot-command", "tg-mention", "tg-hashtag", "tg-cashtag",
    "tg-email", "tg-phone-number",
  ]);
  const SAFE_URL = /^(https?:\/\/|tg:\/\/|mailto:)/i;
  const DROP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "SVG", "MATH"]);

  function copy(node, out) {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        out.appendChild(document.createTextNode(child.nodeValue));
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = child.tagName.toUpperCase();
      if (DROP.has(tag)) continue;
      let el = null;
      if (SIMPLE[tag]) {
        el = document.createElement(SIMPLE[tag]);
        if (tag === "CODE") {
          const lang = (child.getAttribute("class") || "").match(/^language-([\w+#-]{1,32})$/);
          if (lang) el.dataset.language = lang[1];
        }
        if (tag === "BLOCKQUOTE" && child.hasAttribute("expandable")) el.className = "expandable";
      } else if (tag === "TG-SPOILER") {
        el = document.createElement("span");
        el.className = "tg-spoiler";
      } else if (tag === "SPAN") {
        const cls = child.getAttribute("class") || "";
        if (SPAN_CLASSES.has(cls)) {
          el = document.createElement("span");
          el.className = cls;
        }
      } else if (tag === "A") {
        const href = child.getAttribute("href") || "";
        if (SAFE_URL.test(href)) {
          el = document.createElement("a");
          el.href = href;
          el.target = "_blank";
          el.rel = "noopener noreferrer";
        }
      }
      if (el) {
        copy(child, el);
        out.appendChild(el);
      } else {
        copy(child, out); // unknown tag: keep its text, drop the tag
      }
    }
    return out;
  }

  /** A DocumentFragment holding only allowed formatting; DOMParser never runs scripts. */
  function render(html) {
    const doc = new DOMParser().parseFromString(
      "<!doctype html><body>" + (html || ""), "text/html");
    return copy(doc.body, document.createDocumentFragment());
  }

  window.TgHtml = { render };
})();
