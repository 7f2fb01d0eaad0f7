// The body editor: paragraphs, bold, superscript and subscript, nothing else.
// Every <textarea data-richtext> becomes an editable area with 加粗 / 上标 / 下标 / 新段落 /
// 清除格式. Pastes from Word/WPS/web pages are reduced to paragraphs, bold and sup/sub on
// the way in (no invisible characters or indents; a font-weight:normal wrapper is not bold;
// vertical-align:super/sub is sup/sub; a table becomes rows of text, with a notice; text the
// page hides — hidden, display:none, mso-hide:all, visibility:hidden, font-size:0 … — is
// left out and named in the notice, as are struck-through text and tracked deletions; <style>
// class rules are applied; symbol fonts are mapped through the server's table; Word's 目录
// is skipped); the server sanitizes and normalises again by the same
// rules (text/richtext.py, text/normalize.py), so this is a convenience, not a guard.
// Without JavaScript the textarea works as it is: one paragraph per line.
(function () {
  "use strict";

  const BLOCKS = new Set(["P", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "BLOCKQUOTE", "TR", "TABLE", "SECTION", "ARTICLE", "UL", "OL"]);
  const CELLS = new Set(["TD", "TH"]);
  const CELL_SEPARATOR = "\u3000";
  // What a person cannot see is not stored (the server's text/normalize.py is the
  // rule; this keeps the editor showing what will be stored).
  const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
  // The zero-width joiner stays only between two emoji (👨‍👩‍👧), where it is seen.
  const STRAY_JOINER = /(?<![\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\u{1f000}-\u{1faff}\ufe0f])\u200d|\u200d(?![\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\u{1f000}-\u{1faff}])/gu;
  const ODD_SPACES = /[\u00a0\u2000-\u200a\u202f\u205f]/g;
  const KANGXI = /[\u2f00-\u2fdf]/g;
  // CJK Radicals Supplement → ideograph (NFKC does not cover it): the server's table
  // (textnorm._SUPPLEMENT_PAIRS, Unicode's EquivalentUnifiedIdeograph.txt), as pairs.
  const SUPPLEMENT_PAIRS = "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑⺕𫜹⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟";
  const SUPPLEMENT = new Map();
  {
    const chars = Array.from(SUPPLEMENT_PAIRS);
    for (let i = 0; i + 1 < chars.length; i += 2) SUPPLEMENT.set(chars[i], chars[i + 1]);
  }

  // Ligatures as letters, full-width digits and Latin half-width, no space before %, 〇 in
  // a Chinese-numeral year (text/normalize.py's _fix_characters; the save names them).
  // Quotes are paired by the server alone (text.normalize.pair_quotes), per paragraph.
  const LIGATURES = { "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st" };
  const FULL_WIDTH_RUN = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:\uff0e[\uff10-\uff19]+)*/g;
  const PERCENT_SPACE = /(?<=[0-9])[ \u3000]+(?=[%％‰℃])/g;
  const YEAR = /(?<![0-9A-Za-z])(?=[一二三四五六七八九〇○Oo0]*[一二三四五六七八九])(?=[一二三四五六七八九〇○Oo0]*[○Oo0])[一二三四五六七八九〇○Oo0]{2,4}(?=年)/g;

  function normalizeText(text) {
    return text
      .normalize("NFC")
      .replace(/[\ufb00-\ufb06]/g, (c) => LIGATURES[c])
      .replace(INVISIBLE, "")
      .replace(STRAY_JOINER, "")
      .replace(ODD_SPACES, " ")
      .replace(KANGXI, (c) => c.normalize("NFKC"))
      .replace(/[\u2e80-\u2eff]/g, (c) => SUPPLEMENT.get(c) || c)
      .replace(FULL_WIDTH_RUN, (run) => Array.from(run, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).join(""))
      .replace(PERCENT_SPACE, "")
      .replace(YEAR, (year) => year.replace(/[○Oo0]/g, "〇"))
      .normalize("NFC");
  }

  // The weight an element sets: true (bold), false (explicitly regular), null (inherits).
  // Google Docs and WPS web wrap a whole paste in <b style="font-weight:normal">.
  function weightOf(node) {
    const weight = node.style && node.style.fontWeight;
    if (weight) {
      if (weight === "bold" || weight === "bolder") return true;
      if (weight === "normal" || weight === "lighter") return false;
      if (!Number.isNaN(Number(weight))) return Number(weight) >= 600;
    }
    if (node.nodeName === "B" || node.nodeName === "STRONG") return true;
    return null;
  }

  // The marker a browser draws for item n of an <ol>, as text (the server's
  // richtext.list_label is the rule): 1. a. A. i. I. 01. 一、 壹、; "" for none and bullets.
  const CJK_DIGITS = "〇一二三四五六七八九";
  const LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖";
  const OL_TYPES = { 1: "decimal", a: "lower-alpha", A: "upper-alpha", i: "lower-roman", I: "upper-roman" };
  function roman(n) {
    if (!(n > 0 && n < 4000)) return String(n);
    const table = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
    let out = "";
    for (const [value, numeral] of table) while (n >= value) { out += numeral; n -= value; }
    return out;
  }
  function letters(n, upper) {
    if (n <= 0) return String(n);
    const base = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26].repeat(Math.floor((n - 1) / 26) + 1);
    return upper ? base.toUpperCase() : base;
  }
  function chineseUnder100(n, digits, ten, dropOne) {
    const tens = Math.floor(n / 10), units = n % 10;
    return (tens ? (tens === 1 && dropOne ? "" : digits[tens]) + ten : "") + (units ? digits[units] : "");
  }
  function listLabel(n, kind) {
    if (["none", "disc", "circle", "square"].includes(kind)) return "";
    if (["cjk-ideographic", "simp-chinese-informal", "simp-chinese-formal", "cjk-decimal"].includes(kind)) {
      if (!(n > 0 && n < 100)) return `${n}、`;
      if (kind === "simp-chinese-formal") return chineseUnder100(n, LEGAL_DIGITS, "拾", false) + "、";
      if (kind === "cjk-decimal") return String(n).split("").map((d) => CJK_DIGITS[Number(d)]).join("") + "、";
      return chineseUnder100(n, CJK_DIGITS, "十", true) + "、";
    }
    if (kind === "lower-alpha" || kind === "lower-latin") return letters(n, false) + ".";
    if (kind === "upper-alpha" || kind === "upper-latin") return letters(n, true) + ".";
    if (kind === "lower-roman") return roman(n).toLowerCase() + ".";
    if (kind === "upper-roman") return roman(n) + ".";
    if (kind === "decimal-leading-zero") return (n >= 0 && n < 10 ? "0" : "") + n + ".";
    return `${n}.`;
  }
  const LIST_STYLE = /list-style(?:-type)?\s*:\s*([a-z-]+)/i;
  const MSO_LIST_LABEL = /mso-list\s*:\s*ignore/i;

  // A style attribute's declarations, property → value, lower case (richtext._declarations).
  function declarations(style) {
    const out = {};
    for (const m of (style || "").matchAll(/(?<![\w-])([a-z-]+)\s*:\s*([^;]*)/gi)) {
      out[m[1].toLowerCase()] = m[2].trim().toLowerCase().replace(/!important$/, "").trim();
    }
    return out;
  }
  // The page's <style> rules that hide, strike or set a symbol font, for element, .class
  // and element.class selectors (richtext.style_rules): "tag|class" → declarations.
  const RULE_PROPERTIES = new Set(["display", "mso-hide", "visibility", "text-decoration", "text-decoration-line", "font-family", "mso-symbol-font-family"]);
  // [prelude, declarations] of a sheet's top-level rules; @-rules are passed over whole.
  function topLevelRules(sheet) {
    const rules = [];
    let depth = 0, start = 0, bodyStart = 0, prelude = "";
    for (let i = 0; i < sheet.length; i++) {
      const char = sheet[i];
      if (char === "{") {
        if (depth === 0) {
          prelude = sheet.slice(start, i).split(";").pop().trim();
          bodyStart = i + 1;
        }
        depth += 1;
      } else if (char === "}" && depth) {
        depth -= 1;
        if (depth === 0) {
          if (prelude && !prelude.startsWith("@")) rules.push([prelude, sheet.slice(bodyStart, i)]);
          start = i + 1;
        }
      }
    }
    return rules;
  }
  function styleRules(raw) {
    const rules = new Map();
    for (const sheet of (raw || "").matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
      const text = sheet[1].replace(/\/\*[\s\S]*?\*\//g, "").replace(/<!--/g, " ").replace(/-->/g, " ");
      for (const [prelude, body] of topLevelRules(text)) {
        const wanted = Object.fromEntries(Object.entries(declarations(body)).filter(([k]) => RULE_PROPERTIES.has(k)));
        if (!Object.keys(wanted).length) continue;
        for (const selector of prelude.split(",")) {
          const m = /^([a-z][a-z0-9]*)?(?:\.([\w-]+))?$/i.exec(selector.trim());
          if (m && (m[1] || m[2])) {
            const key = `${(m[1] || "").toLowerCase()}|${(m[2] || "").toLowerCase()}`;
            rules.set(key, Object.assign(rules.get(key) || {}, wanted));
          }
        }
      }
    }
    return rules;
  }
  // What the rules give an element: element, then .class, then element.class.
  function ruleCss(node, rules) {
    if (!rules || !rules.size) return {};
    const tag = node.nodeName.toLowerCase();
    const classes = (node.getAttribute("class") || "").toLowerCase().split(/\s+/).filter(Boolean);
    const css = Object.assign({}, rules.get(`${tag}|`) || {});
    for (const name of classes) Object.assign(css, rules.get(`|${name}`) || {});
    for (const name of classes) Object.assign(css, rules.get(`${tag}|${name}`) || {});
    return css;
  }

  // Symbol fonts (Wingdings "Ø" is ⮚) and the print's substitutes for the bullets it lacks:
  // the server's one table (text/data/symbol_fonts.tsv, text.symbols), as a JSON copy.
  let SYMBOLS = { fonts: {}, print: {} };
  const symbolsReady = (() => {
    const script = document.currentScript;
    if (!script || !script.src || !window.fetch) return Promise.resolve();
    // The page names the file (its hashed name in production); else beside this script.
    return fetch(script.dataset.symbolFonts || new URL("symbol_fonts.json", script.src))
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data) SYMBOLS = data; })
      .catch(() => {});
  })();
  const FONT_NAMES = { wingdings: "Wingdings", webdings: "Webdings", symbol: "Symbol" };
  function symbolFont(family) {
    const first = (family || "").split(",")[0].trim().replace(/^["']|["']$/g, "");
    const key = first.split(/\s+/).join(" ").toLowerCase();
    return SYMBOLS.fonts[key] ? key : null;
  }
  // Text in a symbol font as the characters it draws; codes without one go to `missing`.
  function mapSymbols(font, text, missing) {
    let out = "";
    for (const char of text) {
      let code = char.codePointAt(0);
      if (code <= 0x20 || (code >= 0x100 && code < 0xf020) || code > 0xf0ff || /\s/.test(char)) { out += char; continue; }
      const key = code >= 0xf000 ? code - 0xf000 : code;
      const mapped = SYMBOLS.fonts[font][String(key)];
      if (mapped === undefined) missing.push(`${FONT_NAMES[font] || font.replace(/\b\w/g, (c) => c.toUpperCase())} 字体 ${code.toString(16).toUpperCase().padStart(4, "0")}`);
      else out += mapped;
    }
    return out;
  }
  // Bullets and check marks the print faces lack → the nearest they have (text.symbols).
  function substituteForPrint(paragraphs, made) {
    for (const runs of paragraphs) {
      for (const run of runs) {
        run[0] = Array.from(run[0], (c) => {
          const to = SYMBOLS.print[c];
          if (to === undefined) return c;
          made.push(`${c}→${to}`);
          return to;
        }).join("");
      }
    }
    return paragraphs;
  }

  // A 目录 and the texts broken fields leave (text/traces.py).
  const CONTENTS_HEADING = /^\s*(?:目\s*录|目\s*次|(?:table\s+of\s+)?contents)\s*$/i;
  const CONTENTS_ENTRY = /^\S.{0,99}?(?:\t+[ \u3000]*|[ \u3000]*(?:[.．·・…‥_\-－—][ \u3000]?){3,}[ \u3000]*)(?:\d{1,4}|[ivxlcIVXLC]{1,6})\s*$/;
  const TOC_CLASS = /^msotoc(?:[1-9]|heading)$/i;
  const STALE = /错误[！!]\s*(?:未找到引用源|书签未定义|文档中没有指定样式的文字|未定义书签|引用源未找到|超链接引用无效|无效的超链接引用)[。.]?|Error!\s*(?:Reference source not found|Bookmark not defined|Hyperlink reference not valid|No text of specified style in document)\.?|[单点]击(?:或点按)?此处输入(?:文字|文本|日期)[。.]?|Click (?:or tap )?here to enter (?:text|a date)\.?/gi;

  const ZERO = /^[+-]?0*\.?0*(px|pt|em|rem|ex|ch|%|cm|mm|in|pc|q|vw|vh)?$/i;
  const RELATIVE_SIZE = /((?<!r)em|ex|ch|%)$|^(larger|smaller|inherit)$/i;
  const isZero = (value) => Boolean(value) && ZERO.test(value);

  // "sup", "sub" or "" (baseline) of an element: the tag, else vertical-align, else inherited.
  function scriptOf(node, css, inherited) {
    if (node.nodeName === "SUP") return "sup";
    if (node.nodeName === "SUB") return "sub";
    const align = css["vertical-align"] || "";
    if (align === "super") return "sup";
    if (align === "sub") return "sub";
    if (align === "baseline") return "";
    return inherited;
  }

  // [not displayed, visibility hidden, font size zero] of an element (richtext._shown):
  // display:none, the hidden attribute, mso-hide:all, opacity:0 and a clipped zero size
  // hide the whole subtree; visibility and a zero font size a descendant may undo.
  function shownOf(node, css, parent) {
    let [none, invisible, zero] = parent;
    const display = css.display || "";
    const clipped = ["hidden", "clip"].includes(css.overflow || "");
    none = none || display === "none" || (node.hasAttribute("hidden") && !display) ||
      css["mso-hide"] === "all" || isZero(css.opacity) ||
      (clipped && ["height", "max-height", "width", "max-width"].some((name) => isZero(css[name])));
    const visibility = css.visibility || "";
    if (visibility === "hidden" || visibility === "collapse") invisible = true;
    else if (visibility === "visible") invisible = false;
    const size = css["font-size"] || "";
    if (size && ZERO.test(size)) zero = true;
    else if (size && !RELATIVE_SIZE.test(size)) zero = false;
    return [none, invisible, zero];
  }

  // Walk any HTML into paragraphs of [text, bold, script] runs; a table becomes one
  // paragraph per row with its cells separated by an ideographic space. stats.tables
  // counts tables; stats.hidden gets the hidden texts left out, one per hidden place.
  function paragraphsOf(root, stats) {
    const paragraphs = [];
    let runs = [];
    let cells = 0;
    let hiddenText = "";
    let struckText = "";
    let tocParagraph = false; // the paragraph being read is a 目录 entry (Word's MsoToc class)
    let inContents = false; // the last paragraph was a 目录 entry
    const rules = stats && stats.rules;
    const plain = (r) => r.map(([text]) => text).join("");
    const flush = () => {
      const toc = tocParagraph;
      tocParagraph = false;
      const kept = runs.some(([text]) => text.replace(/\ufdd0/g, "").trim());
      if (kept || toc) {
        // A 目录 (Word's TOC paragraphs, or leader lines with a page number under a 目录
        // heading) is not the piece's text; its heading goes with it (richtext._break).
        const last = paragraphs.length ? plain(paragraphs[paragraphs.length - 1]) : "";
        const text = plain(resolveWhiteSpace(runs)).trim();
        if (toc || ((inContents || CONTENTS_HEADING.test(last)) && CONTENTS_ENTRY.test(text))) {
          if (paragraphs.length && CONTENTS_HEADING.test(last)) paragraphs.pop();
          if (stats) stats.contents = (stats.contents || 0) + 1;
          inContents = true;
        } else {
          inContents = false;
          paragraphs.push(runs);
        }
      }
      runs = [];
    };
    const endHidden = () => {
      const text = normalizeText(hiddenText).split(/\s+/).filter(Boolean).join(" ");
      if (text && stats) (stats.hidden = stats.hidden || []).push(text);
      hiddenText = "";
    };
    const endStruck = () => {
      const text = normalizeText(struckText).split(/\s+/).filter(Boolean).join(" ");
      if (text && stats) (stats.struck = stats.struck || []).push(text);
      struckText = "";
    };
    const lists = []; // [next number, list-style-type] for <ol>, null for <ul>
    let pendingLabel = null; // an <li>'s number, put before its first text
    (function walk(node, bold, inLabel, script, shown, marks) {
      const hidden = shown.some(Boolean);
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE && marks.toc) {
          continue; // a 目录 entry, its dot leader and page number: left out, noted once
        } else if (child.nodeType === Node.TEXT_NODE && hidden) {
          hiddenText += child.textContent;
        } else if (child.nodeType === Node.TEXT_NODE && marks.struck) {
          struckText += child.textContent;
        } else if (child.nodeType === Node.TEXT_NODE) {
          // White space of HTML source as a browser shows it (the server's richtext is
          // the rule): spaces and tabs one space; a line end a space, or nothing between
          // two wide characters (decided per paragraph, in toHtml).
          let source = child.textContent;
          if (marks.font && SYMBOLS.fonts[marks.font]) {
            const missing = [];
            source = mapSymbols(marks.font, source, missing);
            if (missing.length && stats) (stats.symbols = stats.symbols || []).push(...missing);
          }
          let text = normalizeText(
            source.replace(/\ufdd0/g, "").replace(/[ \t]*[\r\n]+[ \t\r\n]*/g, SEGMENT).replace(/[ \t]+/g, " ")
          );
          if (inLabel) text = text.replace(/^[ \u3000\ufdd0]+|[ \u3000\ufdd0]+$/g, ""); // Word's spacer after a list label
          if (text && pendingLabel && text.replace(/[ \u3000]/g, "")) {
            runs.push(pendingLabel);
            pendingLabel = null;
          }
          if (text) runs.push([text, bold, script]);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (["SCRIPT", "STYLE", "TITLE", "HEAD", "META", "XML", "TEMPLATE", "NOSCRIPT", "IFRAME", "OBJECT", "EMBED"].includes(child.nodeName)) continue;
          if (child.nodeName === "BR") {
            if (shown[0]) continue;
            if (cells) runs.push([" ", false, ""]);
            else flush();
            continue;
          }
          const css = Object.assign(ruleCss(child, rules), declarations(child.getAttribute("style")));
          const childShown = shownOf(child, css, shown);
          const decoration = `${css["text-decoration"] || ""} ${css["text-decoration-line"] || ""}`;
          const family = css["mso-symbol-font-family"] || css["font-family"] || child.getAttribute("face");
          const isToc = (child.getAttribute("class") || "").split(/\s+/).some((name) => TOC_CLASS.test(name));
          const childMarks = {
            struck: marks.struck || ["DEL", "S", "STRIKE"].includes(child.nodeName) || decoration.includes("line-through"),
            font: family ? symbolFont(family) : marks.font,
            toc: marks.toc || isToc,
          };
          const childScript = scriptOf(child, css, script);
          const weight = weightOf(child);
          const childBold = weight === null ? bold : weight;
          const childLabel = inLabel || MSO_LIST_LABEL.test(child.getAttribute("style") || "");
          if (childShown[0]) {
            // Not displayed: its text is named, it makes no paragraph, number or row.
            walk(child, childBold, childLabel, childScript, childShown, childMarks);
            if (!hidden) endHidden();
            continue;
          }
          if (child.nodeName === "TABLE" && stats) stats.tables += 1;
          if (CELLS.has(child.nodeName)) {
            if (runs.length) runs.push([CELL_SEPARATOR, false, ""]);
            cells += 1;
            walk(child, childBold, childLabel, childScript, childShown, childMarks);
            cells -= 1;
            if (!hidden && childShown.some(Boolean)) endHidden();
            if (!marks.struck && childMarks.struck) endStruck();
            continue;
          }
          const styleType = LIST_STYLE.exec(child.getAttribute("style") || "");
          if (child.nodeName === "UL") lists.push(null);
          if (child.nodeName === "OL") {
            const start = (child.getAttribute("start") || "").trim();
            const kind = styleType ? styleType[1].toLowerCase() : OL_TYPES[(child.getAttribute("type") || "1").trim()] || "decimal";
            lists.push([/^-?\d+$/.test(start) ? Number(start) : 1, kind]);
          }
          const block = BLOCKS.has(child.nodeName) && !(cells && child.nodeName !== "TR" && child.nodeName !== "TABLE");
          if (block) flush();
          if (isToc) tocParagraph = true;
          if (child.nodeName === "LI") {
            pendingLabel = null;
            const current = lists[lists.length - 1];
            if (current) {
              const value = (child.getAttribute("value") || "").trim();
              if (/^-?\d+$/.test(value)) current[0] = Number(value);
              const label = listLabel(current[0], styleType ? styleType[1].toLowerCase() : current[1]);
              current[0] += 1;
              if (label) pendingLabel = [label, childBold, ""];
            }
          }
          walk(child, childBold, childLabel, childScript, childShown, childMarks);
          if (!hidden && childShown.some(Boolean)) endHidden();
          if (!marks.struck && childMarks.struck) endStruck();
          if (child.nodeName === "LI") pendingLabel = null;
          if (child.nodeName === "OL" || child.nodeName === "UL") lists.pop();
          if (block) flush();
        }
      }
    })(root, false, false, "", [false, false, false], { struck: false, font: null, toc: false });
    endHidden();
    endStruck();
    flush();
    return paragraphs;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  const SEGMENT = "\ufdd0";
  const WIDE = "\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}";
  const SEGMENT_BETWEEN_WIDE = new RegExp(`(?<=[${WIDE}])${SEGMENT}+(?=[${WIDE}])`, "gu");

  // Source line ends: a space, or nothing between two wide characters; runs of spaces,
  // across runs too, one space (richtext._resolve_white_space on the server).
  function resolveWhiteSpace(runs) {
    let full = runs.map(([text]) => text).join("");
    if (full.includes(SEGMENT)) {
      full = full.replace(SEGMENT_BETWEEN_WIDE, (m) => "\u0000".repeat(m.length));
      let start = 0;
      runs = runs.map(([text, bold, script]) => {
        const piece = full.slice(start, start + text.length);
        start += text.length;
        return [piece.replace(/\u0000/g, "").replaceAll(SEGMENT, " "), bold, script];
      });
    }
    const out = [];
    for (let [text, bold, script] of runs) {
      text = text.replace(/ {2,}/g, " ");
      const last = out.length ? out[out.length - 1][0].slice(-1) : ""; // texts in out are never empty
      if (text.startsWith(" ") && last === " ") text = text.slice(1);
      if (text) out.push([text, bold, script || ""]);
    }
    return out;
  }

  // The notice naming hidden text left out (richtext.hidden_notice on the server).
  function hiddenNotice(hidden) {
    if (!hidden || !hidden.length) return "";
    const quoted = hidden.slice(0, 5).map((t) => `“${t.slice(0, 20)}${t.length > 20 ? "……" : ""}”`);
    return `隐藏文字 ${hidden.length} 处未粘贴：${quoted.join("、")}${hidden.length > 5 ? "……" : ""}` +
      "（原文中设为不显示的文字，不会保存和刊印；如需要，请直接输入）";
  }

  // The notices naming what else a paste left out or changed (richtext.paste_notices).
  function quoteList(texts) {
    return texts.slice(0, 5).map((t) => `“${t.slice(0, 20)}${t.length > 20 ? "……" : ""}”`).join("、") + (texts.length > 5 ? "……" : "");
  }
  function pasteNotices(stats, paragraphs) {
    const notes = [];
    if (stats.hidden && stats.hidden.length) notes.push(hiddenNotice(stats.hidden));
    if (stats.struck && stats.struck.length) {
      notes.push(`删除线文字 ${stats.struck.length} 处未粘贴：${quoteList(stats.struck)}` +
        "（原文中划了删除线或修订中删去的文字，不会保存和刊印；如需要，请直接输入）");
    }
    if (stats.symbols && stats.symbols.length) {
      notes.push(`符号字体字符 ${stats.symbols.length} 处无法转换：${stats.symbols.slice(0, 5).join("、")}${stats.symbols.length > 5 ? "……" : ""}` +
        "（没有对应的标准字符，未粘贴，请核对后补上）");
    }
    if (stats.contents) notes.push(`已跳过 Word 自动目录（目录条目和页码 ${stats.contents} 行未粘贴）`);
    const made = stats.substituted || [];
    if (made.length) {
      const kinds = [...new Set(made)];
      notes.push(`符号 ${made.length} 处改为印刷字体中的相近符号：${kinds.slice(0, 5).join("、")}${kinds.length > 5 ? "……" : ""}` +
        "（原符号印刷字体中没有，会印成方框）");
    }
    const stale = [];
    paragraphs.forEach((runs, i) => {
      // Counted within the paste (it may go into text already there).
      for (const m of runs.map(([text]) => text).join("").matchAll(STALE)) stale.push(`粘贴内容第 ${i + 1} 段“${m[0].trim()}”`);
    });
    if (stale.length) {
      notes.push(`Word 失效引用或未填占位符留下的文字 ${stale.length} 处：${stale.slice(0, 5).join("；")}${stale.length > 5 ? `……等 ${stale.length} 处` : ""}` +
        "（已按原样粘贴，不是原文内容；请补写所引内容或删去）");
    }
    return notes;
  }

  function toHtml(paragraphs) {
    return paragraphs
      .map((runs) => {
        const merged = [];
        for (let [text, bold, script] of resolveWhiteSpace(runs)) {
          if (!text.trim()) { bold = false; script = ""; } // white space alone is never bold, raised or lowered
          const last = merged[merged.length - 1];
          if (last && last[1] === bold && last[2] === script) last[0] += text;
          else merged.push([text, bold, script]);
        }
        // The indent and trailing spaces go, however many runs they span.
        while (merged.length && !merged[0][0].replace(/^[\s\u3000\u00a0]+/, "")) merged.shift();
        while (merged.length && !merged[merged.length - 1][0].replace(/[\s\u3000\u00a0]+$/, "")) merged.pop();
        if (merged.length) {
          merged[0][0] = merged[0][0].replace(/^[\s\u3000\u00a0]+/, "");
          merged[merged.length - 1][0] = merged[merged.length - 1][0].replace(/[\s\u3000\u00a0]+$/, "");
        }
        // <strong> around each stretch of bold, <sup>/<sub> innermost (richtext.runs_to_html).
        const parts = [];
        for (const [text, bold, script] of merged.filter(([t]) => t)) {
          let inner = escapeHtml(text);
          if (script === "sup" || script === "sub") inner = `<${script}>${inner}</${script}>`;
          const last = parts[parts.length - 1];
          if (bold && last && last.endsWith("</strong>")) parts[parts.length - 1] = last.slice(0, -9) + inner + "</strong>";
          else parts.push(bold ? `<strong>${inner}</strong>` : inner);
        }
        const inner = parts.join("");
        return inner ? `<p>${inner}</p>` : "";
      })
      .join("");
  }

  function fromTextarea(value) {
    if (!/[<&]/.test(value)) {
      return toHtml(value.split(/\r?\n/).map((line) => [[normalizeText(line), false, ""]]));
    }
    const doc = new DOMParser().parseFromString(value, "text/html");
    return toHtml(paragraphsOf(doc.body));
  }

  function countChars(html) {
    const div = document.createElement("div");
    div.innerHTML = html;
    return div.textContent.replace(/\s/g, "").length;
  }

  function enhance(textarea) {
    const wrapper = document.createElement("div");
    wrapper.className = "richtext";
    const toolbar = document.createElement("div");
    toolbar.className = "richtext-toolbar btn-toolbar gap-1 mb-1";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "正文格式");
    const area = document.createElement("div");
    area.className = "richtext-area form-control";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    if (textarea.id) {
      const label = document.querySelector(`label[for="${textarea.id}"]`);
      if (label) {
        if (!label.id) label.id = `${textarea.id}-label`;
        area.setAttribute("aria-labelledby", label.id);
      }
      area.dataset.for = textarea.id;
    }
    const counter = document.createElement("div");
    counter.className = "richtext-count form-text";

    function sync() {
      const html = toHtml(paragraphsOf(area));
      textarea.value = html;
      counter.textContent = `正文 ${countChars(html)} 字`;
    }

    function button(label, title, run) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm btn-outline-secondary";
      b.textContent = label;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
      b.addEventListener("click", () => { area.focus(); run(); sync(); });
      toolbar.append(b);
    }
    button("加粗", "加粗（Ctrl+B）", () => document.execCommand("bold"));
    button("上标", "上标（如 m²、10⁴）：选中文字后点此，再点一次取消", () => document.execCommand("superscript"));
    button("下标", "下标（如 CO₂）：选中文字后点此，再点一次取消", () => document.execCommand("subscript"));
    button("新段落", "新段落（回车）", () => document.execCommand("insertParagraph"));
    button("清除格式", "清除所选文字的加粗、上标和下标", () => document.execCommand("removeFormat"));

    area.innerHTML = fromTextarea(textarea.value) || "<p><br></p>";
    area.addEventListener("focus", () => document.execCommand("defaultParagraphSeparator", false, "p"));
    area.addEventListener("input", sync);
    area.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "b") {
        event.preventDefault();
        document.execCommand("bold");
        sync();
      }
    });
    const notice = document.createElement("div");
    notice.className = "richtext-notice alert alert-warning py-1 px-2 mb-1 small";
    notice.setAttribute("role", "status");
    notice.hidden = true;

    area.addEventListener("paste", (event) => {
      event.preventDefault();
      const data = event.clipboardData;
      const htmlData = data.getData("text/html");
      const plainData = data.getData("text/plain");
      // The symbol table is read once, when the page loads; a paste waits for it.
      symbolsReady.then(() => {
        const stats = { tables: 0, hidden: [], struck: [], symbols: [], contents: 0, substituted: [], rules: styleRules(htmlData) };
        let paragraphs;
        if (htmlData) {
          paragraphs = paragraphsOf(new DOMParser().parseFromString(htmlData, "text/html").body, stats);
        } else {
          paragraphs = plainData.split(/\r?\n/).map((line) => [[normalizeText(line), false, ""]]);
        }
        substituteForPrint(paragraphs, stats.substituted);
        const cleaned = toHtml(paragraphs);
        const notes = [];
        if (stats.tables) notes.push(`粘贴的内容含 ${stats.tables} 个表格，已按行转为文字（每行一段，单元格之间空一格），请核对。`);
        notes.push(...pasteNotices(stats, paragraphs));
        notice.hidden = !notes.length;
        notice.replaceChildren(...notes.map((note) => {
          const line = document.createElement("div");
          line.textContent = note;
          return line;
        }));
        document.execCommand("insertHTML", false, cleaned);
        sync();
      });
    });

    textarea.hidden = true;
    textarea.after(wrapper);
    wrapper.append(toolbar, notice, area, counter);
    textarea.form && textarea.form.addEventListener("submit", sync);
    sync();
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(enhance);

  // A file over the size limit is refused here, before it is sent (the server refuses it
  // too, without reading it whole: intake/uploads.py).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    input.addEventListener("change", () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files && input.files[0];
      const tooBig = file && file.size > max;
      input.setCustomValidity(tooBig ? `文件超过 ${Math.round(max / 1024 / 1024)} MB，无法导入。请删去其中的图片后再试，或直接粘贴文字。` : "");
      if (tooBig) input.reportValidity();
    });
    if (input.form) {
      input.form.addEventListener("submit", (event) => {
        if (input.validationMessage) {
          event.preventDefault();
          input.reportValidity();
        }
      });
    }
  });
  window.bulletinRichtext = { toHtml, paragraphsOf, normalizeText, hiddenNotice, styleRules, substituteForPrint, pasteNotices, symbolsReady };
})();
