import { Html, html } from './html';

describe('html', () => {
  it('escapes every interpolated value, but not html it built itself', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const inner = html`<b>${name}</b>`;
    expect(html`<p title="${name}">${inner}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</b></p>',
    );
  });

  it('renders lists and leaves out null, undefined and false', () => {
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${null}${undefined}${false}${0}`.text).toBe('<ul><li>a&lt;</li><li>b</li></ul>0');
  });

  it('trusts only html it built: a plain string that looks like markup is still escaped', () => {
    const built = html`<br>`;
    expect(built).toBeInstanceOf(Html);
    expect(`${html`a${built}b${'<br>'}`}`).toBe('a<br>b&lt;br&gt;');
  });
});
