import { vi } from 'vitest';

// Ink's colour support is decided when chalk loads; force it before importing Ink.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Footer } from '../../tui/components/Footer.js';
import { Lines } from '../../tui/components/Lines.js';
import { ThemeContext } from '../../tui/theme.js';

const ANSI_COLOUR = /\u001B\[(3\d|9\d)m/;

describe('colours', () => {
  it('paints tones when colours are on', () => {
    const { lastFrame } = render(
      <ThemeContext.Provider value={{ color: true }}>
        <Lines lines={[{ text: '+ added', tone: 'added' }]} width={20} height={1} />
        <Footer mode="plan" width={80} />
      </ThemeContext.Provider>,
    );
    expect(lastFrame()).toMatch(ANSI_COLOUR);
  });

  it('paints nothing under NO_COLOR / --no-color', () => {
    const { lastFrame } = render(
      <ThemeContext.Provider value={{ color: false }}>
        <Lines lines={[{ text: '+ added', tone: 'added' }]} width={20} height={1} />
        <Footer mode="plan" width={80} />
      </ThemeContext.Provider>,
    );
    expect(lastFrame()).not.toMatch(ANSI_COLOUR);
  });
});
