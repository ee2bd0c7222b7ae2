// A few line icons drawn inline (24 × 24, stroke = currentColor), so they show on every
// phone whatever emoji font it has, and cost no request.
const PATHS = {
  inbox: 'M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z',
  file: 'M7 3h7l5 5v13H7zM14 3v5h5M9 13h6M9 17h6',
  plus: 'M12 5v14M5 12h14',
  gear: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-1-3-2 .3-1.5-1.6.3-2L14 3.5 13 5h-2l-1-1.5-2.8 1.2.3 2L6 8.3 4 8l-1 3 2 1-2 1 1 3 2-.3 1.5 1.6-.3 2 2.8 1.2 1-1.5h2l1 1.5 2.8-1.2-.3-2 1.5-1.6 2 .3 1-3z',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6s7 2 8 6',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 17a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z',
  send: 'M4 12h14M13 6l6 6-6 6',
  check: 'M5 12l5 5 9-10',
  back: 'M15 5l-7 7 7 7',
  x: 'M6 6l12 12M18 6L6 18',
  megaphone: 'M3 10v4h3l8 5V5L6 10zM18 9a4 4 0 0 1 0 6',
  archive: 'M3 4h18v4H3zM5 8v12h14V8M10 12h4',
  chart: 'M4 20h16M7 16v-5M12 16V6M17 16v-8',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2',
  link: 'M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1',
  letter: 'M3 6h18v12H3zM3 6l9 7 9-7',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9.5a1 1 0 1 0 0-.1',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4.2-4.2',
} as const;

export type IconName = keyof typeof PATHS;

interface Props {
  name: IconName;
  size?: number;
}

export function Icon({ name, size = 20 }: Props) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
      style={{ flex: 'none' }}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
