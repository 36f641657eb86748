/** Small line icons (inline SVG: no font needs the glyph). */
const PATHS = {
  qr: 'M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h3v3h-3zM18 18h3v3h-3zM14 20h2M20 14v2',
  list: 'M4 6h16M4 12h16M4 18h10',
  card: 'M3 5h18v14H3zM7 10a2 2 0 1 0 4 0a2 2 0 1 0-4 0M6 16c1-2 5-2 6 0M14 9h4M14 13h4',
  lock: 'M6 11h12v10H6zM9 11V7a3 3 0 0 1 6 0v4M12 15v2',
  check: 'M5 12l5 5L19 7',
  cross: 'M6 6l12 12M18 6L6 18',
  warn: 'M12 3L2 21h20zM12 10v5M12 18v.5',
} as const;

export function Icon({ name, size = 28 }: { name: keyof typeof PATHS; size?: number }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
