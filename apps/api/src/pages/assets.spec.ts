import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderVerificationPage } from '../verification/verification-page';
import { ASSETS, loadAssets, PUBLIC_DIR } from './assets';
import { layout, html } from './html';

const linked = (page: string) => [...page.matchAll(/(?:href|src)="\/assets\/([^"]+)"/g)].map((m) => m[1]);

describe('page assets', () => {
  it('serves every stylesheet and script the pages link to, and nothing they do not', () => {
    const signedIn = layout({ title: 'T', principal: { kind: 'learner', id: 'l1' }, body: html`<p>x</p>`, script: 'dashboard.js' });
    const verification = renderVerificationPage({ verdict: 'not_found', certificateId: null, checks: [] }, 'Issuer');
    const names = [...linked(signedIn), ...linked(verification)];
    expect(names.sort()).toEqual(['app.css', 'app.js', 'dashboard.js', 'verify.css']);
    expect(Object.keys(ASSETS).sort()).toEqual(names);
    for (const name of names) {
      expect(ASSETS[name].type).toBe(name.endsWith('.css') ? 'text/css' : 'text/javascript');
      expect(ASSETS[name].body).toBe(fs.readFileSync(path.join(PUBLIC_DIR, name), 'utf8'));
    }
  });

  it('takes only stylesheets and scripts from the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-'));
    try {
      for (const name of ['site.css', 'page.js', 'notes.md', 'types.d.ts']) fs.writeFileSync(path.join(dir, name), name);
      expect(loadAssets(dir)).toEqual({ 'page.js': { type: 'text/javascript', body: 'page.js' }, 'site.css': { type: 'text/css', body: 'site.css' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships the folder in the Docker image, where the compiled API reads it', () => {
    const root = path.resolve(PUBLIC_DIR, '../../../../..');
    expect(fs.existsSync(path.join(root, 'package.json'))).toBe(true);
    const folder = path.relative(root, PUBLIC_DIR);
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toContain(`COPY --from=build /app/${folder} ./${folder}\n`);
  });
});
