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
    expect(commandWords('time sudo -u alice exec nice -n 5 ffmpeg')).toEqual(['ffmpeg']);
  });

  it('skips redirections wherever they stand, with their targets: they run no command', () => {
    expect(commandWords('exec >log 2>&1')).toEqual([]);
    expect(commandWords('exec 3> /tmp/fd3')).toEqual([]);
    expect(commandWords('>out.txt ffmpeg -i a b')).toEqual(['ffmpeg']);
    expect(commandWords('2>/dev/null yt-dlp x')).toEqual(['yt-dlp']);
    expect(commandWords('< in.txt uv run x')).toEqual(['uv']);
    expect(commandWords('sudo -u alice &>> /var/log/x ocrmypdf a b')).toEqual(['ocrmypdf']);
    expect(commandWords('exec 2>err nice -n 5 ffmpeg')).toEqual(['ffmpeg']);
    expect(commandWords("<<< 'x' cat")).toEqual(['cat']);
  });

  it('takes the command env, nice, nohup, time, command, exec, timeout and xargs run, past their options, values and operands', () => {
    const cases: [string, string[]][] = [
      ['env -i PATH=/run/current-system/sw/bin HOME=/tmp ffmpeg -i a b', ['ffmpeg']],
      ['env - -- FOO=1 uv sync', ['uv']],
      ['env -u DISPLAY --chdir /srv -C /tmp --unset=WAYLAND_DISPLAY -0 magick a.png b.jpg', ['magick']],
      ["env -S 'ocrmypdf --force-ocr' a.pdf b.pdf", ['ocrmypdf']],
      ['nice -n 19 ffmpeg -i a b', ['ffmpeg']],
      ['nice -n -5 --adjustment 3 yt-dlp x', ['yt-dlp']],
      ['nice -10 ffmpeg x', ['ffmpeg']],
      ['nohup uv run serve > log 2>&1 &', ['uv']],
      ['time -p ffmpeg -i a b', ['ffmpeg']],
      ['/usr/bin/time -f %e -o /tmp/t --append ocrmypdf a b', ['ocrmypdf']],
      ['command -p ffmpeg -i a b', ['ffmpeg']],
      ['exec -a worker yt-dlp x', ['yt-dlp']],
      ['timeout 10m ffmpeg -i a b', ['ffmpeg']],
      ['timeout -s KILL -k 5 --preserve-status 1h yt-dlp x', ['yt-dlp']],
      ['timeout --signal=TERM --kill-after=5s -- 30 pytest -q', ['pytest']],
      ['find . -name "*.mp4" -print0 | xargs -0 -n 1 -P 4 ffmpeg -i', ['find', 'ffmpeg']],
      ['ls *.pdf | xargs -I{} -d , ocrmypdf {} out/{}', ['ls', 'ocrmypdf']],
      ['ls | xargs -i{} -l1 -r --max-procs=2 --replace magick {} {}.jpg', ['ls', 'magick']],
      // Wrappers in a row, and an assignment between them.
      ['sudo nice -n 5 env FOO=1 timeout 5m nohup "/usr/bin/ffmpeg" x', ['ffmpeg']],
    ];
    for (const [line, words] of cases) expect(commandWords(line), line).toEqual(words);
  });

  it('finds no command where a wrapper runs none (alone, a lookup, help, version)', () => {
    for (const line of ['env', 'env -i FOO=1', 'env --help', 'nice', 'nice -n 5', 'nohup --version', 'time', 'time -V', 'command -v ffmpeg', 'command -V ffmpeg', 'timeout 5', 'timeout --help 5 ffmpeg', 'xargs', 'xargs -0 -n 1', 'exec', "env --split-string='ffmpeg -i' a"]) {
      expect(commandWords(line), line).toEqual([]);
    }
  });

  it('finds no command where sudo or doas runs none (a shell, a listing, an edit, a configuration check)', () => {
    for (const line of ['sudo -i', 'sudo -u alice -s', 'sudo -l ffmpeg', 'sudo -e /etc/hosts', 'sudoedit /etc/hosts', 'sudo --list', 'sudo -h', 'sudo -v', 'doas -s', 'doas -C /etc/doas.conf ffmpeg', 'doas -L', 'sudo']) {
      expect(commandWords(line), line).toEqual([]);
    }
    // `-hhost` is sudo's remote host, not its help: the command still runs.
    expect(commandWords('sudo -hbuild01 ffmpeg')).toEqual(['ffmpeg']);
  });
});
