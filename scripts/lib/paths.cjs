'use strict';
// Where the project keeps what it makes on a developer's machine; none of it is tracked by git.
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');

module.exports = {
  root,
  dataDir: path.join(root, '.data'),
  toolsBin: path.join(root, '.tools', 'bin'),
  stampDir: path.join(root, '.cache', 'stamps'),
  /** Survives fresh clones, so a second clone (or CI) does not rebuild the Temporal CLI. */
  userCache: path.join(cacheHome, 'course-certificates'),
};
