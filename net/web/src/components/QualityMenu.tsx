import { qualityLabel, type Rendition } from '../quality';

export interface QualityState {
  renditions: Rendition[];
  choice: string;
  playing: string | null;
}

/** Auto / Source / 720p / … as the master playlist offers them; Auto names what it plays. */
export function QualityMenu({ state, onChoose }: { state: QualityState; onChoose(choice: string): void }) {
  if (state.renditions.length < 2) return null;
  const playing = state.renditions.find((r) => r.name === state.playing);
  // hls.js lists levels by bitrate; the menu lists the source, then tallest first.
  const listed = [...state.renditions].sort((a, b) => Number(b.name === 'source') - Number(a.name === 'source') || b.height - a.height);
  return (
    <label class="quality">
      <span class="visually-hidden">Quality</span>
      <select id="quality" value={state.choice} onChange={(e) => onChoose((e.target as HTMLSelectElement).value)}>
        <option value="auto">{playing ? `Auto (${qualityLabel(playing)})` : 'Auto'}</option>
        {listed.map((r) => (
          <option key={r.name} value={r.name}>
            {qualityLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
}
