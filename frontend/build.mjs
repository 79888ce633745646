// Bundles the live room's front end into static/room/ (or the folder given as the
// first argument). The output depends only on the sources and the locked packages:
// no timestamps, no absolute paths, content-hashed chunk names, sorted copies.
import { build } from "esbuild";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, process.argv[2] || "static/room");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// Excalidraw lists a CDN (esm.sh) as the last source of every @font-face. The
// room's CSP (font-src 'self') refuses it, and Chromium reports each refused
// source; so the fallback becomes our own asset folder, and no font URL of the
// board names another server.
const CDN_FALLBACK = /`https:\/\/esm\.sh\/\$\{[^`]*`[^`]*`[^}]*\}\/dist\/prod\/`/;
const ownFontFallback = {
  name: "excalidraw-own-font-fallback",
  setup(b) {
    b.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("ASSETS_FALLBACK_URL\",`https://esm.sh/")) return undefined;
      if (!CDN_FALLBACK.test(source)) throw new Error(`Excalidraw's font fallback changed: ${args.path}`);
      return {
        contents: source.replace(
          CDN_FALLBACK,
          'new URL(window.EXCALIDRAW_ASSET_PATH || "/static/room/excalidraw/", window.location.origin).toString()',
        ),
        loader: "js",
      };
    });
  },
};

await build({
  plugins: [ownFontFallback],
  absWorkingDir: root,
  entryPoints: {
    room: "frontend/room/index.js",
    "board-view": "frontend/room/board-view.js",
    replay: "frontend/room/replay.js",
    board: "frontend/room/board.css",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  conditions: ["production"],
  define: {
    "process.env.NODE_ENV": '"production"',
    "process.env.IS_PREACT": '"false"',
  },
  loader: { ".woff2": "file", ".woff": "file", ".ttf": "file", ".png": "file", ".svg": "file" },
  chunkNames: "chunks/[name]-[hash]",
  assetNames: "assets/[name]-[hash]",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});

// Excalidraw loads its drawing fonts at run time from window.EXCALIDRAW_ASSET_PATH
// + "fonts/…". Serve them from our static files; leave out the 13 MB CJK font
// (Xiaolai), which Excalidraw only asks for when CJK text is drawn.
const fonts = join(root, "node_modules/@excalidraw/excalidraw/dist/prod/fonts");
for (const family of readdirSync(fonts).sort()) {
  if (family === "Xiaolai" || !statSync(join(fonts, family)).isDirectory()) continue;
  cpSync(join(fonts, family), join(outdir, "excalidraw/fonts", family), { recursive: true });
}
