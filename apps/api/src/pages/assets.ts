import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The pages' stylesheets and scripts: the files of `public/`, served under /assets as they are
 * written (no build step), read once at start-up.
 */
const TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript' };

export interface Asset {
  type: string;
  body: string;
}

/** Every stylesheet and script in `dir`, by file name. */
export function loadAssets(dir: string): Record<string, Asset> {
  const assets: Record<string, Asset> = {};
  for (const name of readdirSync(dir).sort()) {
    const type = TYPES[path.extname(name)];
    if (type) assets[name] = { type, body: readFileSync(path.join(dir, name), 'utf8') };
  }
  return assets;
}

// The compiled API (dist/, the Docker image) reads them from the source tree too, found from the
// project root: the nearest folder with a package.json.
function projectRoot(dir: string): string {
  return existsSync(path.join(dir, 'package.json')) || dir === path.dirname(dir) ? dir : projectRoot(path.dirname(dir));
}

export const PUBLIC_DIR = path.join(projectRoot(__dirname), 'apps', 'api', 'src', 'pages', 'public');

export const ASSETS = loadAssets(PUBLIC_DIR);
