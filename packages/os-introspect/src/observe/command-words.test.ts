import { describe, expect, it } from 'vitest';
import { commandWords } from './command-words.js';

describe('command words', () => {
  it('takes command words, not substrings', () => {
    expect(commandWords('sudo FOO=1 /usr/bin/ffmpeg -i x | uv run pytest && echo ruff')).toEqual(['ffmpeg', 'uv', 'echo']);
    expect(commandWords('cat uvicorn.log')).toEqual(['cat']);
    expect(commandWords('for f in *.mp4\ndo\n  ffmpeg -i $f x\ndone')).toEqual(['for', 'do', 'ffmpeg', 'done']);
  });

  it('takes the command sudo and doas run, past their options and the values of those options', () => {
    expect(commandWords('sudo -u alice ffmpeg -i a b')).toEqual(['ffmpeg']);
    expect(commandWords('sudo -iu alice yt-dlp https://example.invalid/v')).toEqual(['yt-dlp']);
    expect(commandWords('sudo -ualice -g video -E ffmpeg -i a b')).toEqual(['ffmpeg']);
    expect(commandWords('sudo --user=alice --chdir /srv --preserve-env=PATH -- /run/current-system/sw/bin/ocrmypdf a.pdf b.pdf')).toEqual(['ocrmypdf']);
    expect(commandWords('sudo --user alice http_proxy=http://p:3128 uv sync')).toEqual(['uv']);
    expect(commandWords('sudo -s pytest')).toEqual(['pytest']);
    expect(commandWords('doas -u alice ffmpeg -i a b; doas -n magick a.png b.jpg')).toEqual(['ffmpeg', 'magick']);
    expect(commandWords('time sudo -u alice exec nice')).toEqual(['nice']);
  });

  it('finds no command where sudo or doas runs none (a shell, a listing, an edit, a configuration check)', () => {
    for (const line of ['sudo -i', 'sudo -u alice -s', 'sudo -l ffmpeg', 'sudo -e /etc/hosts', 'sudoedit /etc/hosts', 'sudo --list', 'sudo -h', 'sudo -v', 'doas -s', 'doas -C /etc/doas.conf ffmpeg', 'doas -L', 'sudo']) {
      expect(commandWords(line), line).toEqual([]);
    }
    // `-hhost` is sudo's remote host, not its help: the command still runs.
    expect(commandWords('sudo -hbuild01 ffmpeg')).toEqual(['ffmpeg']);
  });
});
