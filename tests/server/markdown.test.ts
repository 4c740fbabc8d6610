import { describe, expect, it } from 'vitest';
import { renderInlineMarkdown, renderMarkdown } from '../../server/markdown.ts';

/**
 * A corpus of known XSS vectors, as markdown and as raw HTML inside markdown. The assertions look at the
 * produced markup (tags and attribute values, entities decoded), not at the text: "javascript:" shown as
 * harmless text is fine, as an href it is not.
 */
const VECTORS: string[] = [
  // script
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<ScRiPt>alert(1)</sCrIpT>',
  '<script\n>alert(1)</script\n>',
  '<<script>script>alert(1)<</script>/script>',
  '```html\n<script>alert(1)</script>\n```\n\n<script>alert(2)</script>',
  // event handlers
  '<img src=x onerror=alert(1)>',
  '<img src="x" ONERROR="alert(1)">',
  '<img src=x onerror\n=alert(1)>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<span onmouseover="alert(1)" class="hljs-x">x</span>',
  '<details open ontoggle=alert(1)><summary>x</summary></details>',
  '<body onload=alert(1)>',
  '<x onclick=alert(1)>click</x>',
  '<p/onmouseover=alert(1)>x</p>',
  // javascript: URLs, plain, mixed case, entity-encoded, with whitespace and control characters
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x]( javascript:alert(1) )',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))',
  '[x](javascript&colon;alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
  '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav\tascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href=" &#14;  javascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<img src="javascript:alert(1)">',
  '![x](javascript:alert(1))',
  '<javascript:alert(1)>',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '[x][r]\n\n[r]: <javascript:alert(1)> "t"',
  // data: and vbscript: URLs
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](DATA:text/html,<script>alert(1)</script>)',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '[x](VBScript:msgbox(1))',
  '<a href="&#118;bscript:msgbox(1)">x</a>',
  // protocol-relative and other schemes
  '[x](//evil.example/path)',
  '<a href="//evil.example">x</a>',
  '<a href="file:///etc/passwd">x</a>',
  // svg and math payloads
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  // style
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div style="width: expression(alert(1))">x</div>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  // frames, objects, forms, meta, base
  '<iframe src="https://evil.example"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<frameset><frame src="javascript:alert(1)"></frameset>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="https://evil.example"><input name="password" type="password"><button formaction="javascript:alert(1)">go</button></form>',
  '<isindex action="javascript:alert(1)" type=submit>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="https://evil.example/">',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  // parser confusion
  '<!--<img src=x onerror=alert(1)>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<textarea><script>alert(1)</script></textarea>',
  '<template><script>alert(1)</script></template>',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<a href="https://ok.example" target="_self" rel="opener">x</a>',
  '<code class="language-js onerror=alert(1)">x</code>',
  '<img """><script>alert(1)</script>">',
  '<img src="x` `<script>alert(1)</script>"` `>',
  '[<img src=x onerror=alert(1)>](https://ok.example)',
  '**<img src=x onerror=alert(1)>**',
  '| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |',
];

const BAD_TAGS = /<\/?\s*(script|style|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|option|svg|math|base|meta|link|noscript|template|isindex|body|html|head|title|xml|animate|set|use|foreignobject|x)\b/i;
const BAD_ATTRS = new Set(['style', 'srcdoc', 'formaction', 'action', 'background', 'xlink:href', 'content', 'http-equiv', 'dynsrc', 'lowsrc']);
const URL_ATTRS = new Set(['href', 'src', 'cite', 'poster', 'data']);

const decode = (v: string) =>
  v
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every problem found in the markup: dangerous elements, handlers, style, and unsafe URLs in URL attributes. */
function problemsIn(html: string): string[] {
  const found: string[] = [];
  const bad = html.match(BAD_TAGS);
  if (bad) found.push(`tag ${bad[0]}`);
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    for (const [, rawName, rawValue] of tag.matchAll(/\s([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const name = rawName.toLowerCase();
      if (name.startsWith('on')) found.push(`handler ${name} in ${tag}`);
      if (BAD_ATTRS.has(name)) found.push(`attribute ${name} in ${tag}`);
      if (URL_ATTRS.has(name) && rawValue !== undefined) {
        const url = decode(rawValue).replace(/[\s\p{Cc}]+/gu, '').toLowerCase();
        if (/^(javascript|vbscript|data|file):/.test(url) || url.startsWith('//')) found.push(`url ${name}=${rawValue}`);
      }
    }
    if (/^<a\s/i.test(tag) && !/rel="noopener nofollow ugc"/.test(tag)) found.push(`link without rel: ${tag}`);
  }
  return found;
}

describe('renderMarkdown sanitises', () => {
  it.each(VECTORS)('%j', (vector) => {
    for (const render of [renderMarkdown, renderInlineMarkdown]) {
      const html = render(vector);
      expect(problemsIn(html), html).toEqual([]);
      expect(html.toLowerCase()).not.toMatch(/<script|<svg|<math|<iframe|<style|<form/);
    }
  });

  it('the checker itself catches what it should (so a pass above means something)', () => {
    expect(problemsIn('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
    expect(problemsIn('<img src=x ONERROR=alert(1)>')).not.toEqual([]);
    expect(problemsIn('<p style="x">')).not.toEqual([]);
    expect(problemsIn('<svg>')).not.toEqual([]);
    expect(problemsIn('<a href="&#x64;ata:text/html,x" rel="noopener nofollow ugc">')).not.toEqual([]);
  });
});

describe('renderMarkdown keeps rich content', () => {
  it('renders headings, lists, code, tables, links and images', () => {
    const html = renderMarkdown(
      [
        '# Titel',
        '',
        '- een',
        '- twee',
        '',
        '1. first',
        '',
        '```ts',
        'const x = 1 < 2;',
        '```',
        '',
        '| a | b |',
        '|---|:-:|',
        '| 1 | 2 |',
        '',
        'See [the docs](https://example.org/docs "Docs") and <mailto:info@example.org>.',
        '',
        '![Logo](https://example.org/logo.png)',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Titel</h1>');
    expect(html).toContain('<li>een</li>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<code class="language-ts">const x = 1 &lt; 2;\n</code>');
    expect(html).toMatch(/<table>[\s\S]*<th>a<\/th>[\s\S]*<td align="center">2<\/td>/);
    expect(html).toContain('<a href="https://example.org/docs" title="Docs" rel="noopener nofollow ugc" target="_blank">the docs</a>');
    expect(html).toContain('href="mailto:info@example.org"');
    expect(html).toContain('<img src="https://example.org/logo.png" alt="Logo" loading="lazy" />');
    expect(problemsIn(html)).toEqual([]);
  });

  it('inline rendering makes no block elements', () => {
    expect(renderInlineMarkdown('**vet** en `code`')).toBe('<strong>vet</strong> en <code>code</code>');
  });
});
