'use strict';
// Where the project keeps what it makes on a developer's machine; none of it is tracked by git.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The nearest folder with a package.json: this file also runs compiled, from dist/scripts/lib.
/** @param {string} dir @returns {string} */
function findRoot(dir) {
  return fs.existsSync(path.join(dir, 'package.json')) || dir === path.dirname(dir) ? dir : findRoot(path.dirname(dir));
}
const root = findRoot(__dirname);
const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');

module.exports = {
  root,
  dataDir: path.join(root, '.data'),
  toolsBin: path.join(root, '.tools', 'bin'),
  stampDir: path.join(root, '.cache', 'stamps'),
  /** Survives fresh clones, so a second clone (or CI) does not rebuild the Temporal CLI. */
  userCache: path.join(cacheHome, 'course-certificates'),
};
