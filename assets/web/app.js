// voxwire browser demo: joins a room through the voxwire signaling protocol (docs/signaling.md),
// answers the SFU's offer with the browser's own WebRTC, plays every incoming slot, mutes, and shows
// who speaks (each participant reports its own speaking flag from a level detector on its microphone).
'use strict';

(() => {
  const SERVER = 'server';
  const $ = (id) => document.getElementById(id);
  const state = {
    ws: undefined,
    pc: undefined,
    mic: undefined,
    self: undefined,
    participants: new Map(),
    muted: false,
    speaking: false,
    audios: [],
    log: [],
    errors: [],
  };
  // For automated tests and curious users: the live state and the peer connection's stats.
  window.voxwireRoom = {
    state,
    async inboundStats() {
      if (!state.pc) return [];
      const out = [];
      (await state.pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp') out.push({ packetsReceived: r.packetsReceived, packetsLost: r.packetsLost, audioLevel: r.audioLevel });
      });
      return out;
    },
    // The selected candidate pair's types, e.g. { local: 'relay', remote: 'host' }, or null.
    async selectedPair() {
      if (!state.pc) return null;
      const stats = await state.pc.getStats();
      let pair = null;
      stats.forEach((r) => {
        if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
      });
      if (!pair) return null;
      return { local: stats.get(pair.localCandidateId)?.candidateType, remote: stats.get(pair.remoteCandidateId)?.candidateType };
    },
    async outboundStats() {
      if (!state.pc) return [];
      const out = [];
      (await state.pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp') out.push({ packetsSent: r.packetsSent });
      });
      return out;
    },
  };

  function log(text) {
    state.log.push(text);
    if (state.log.length > 200) state.log.shift();
  }

  function status(text, isError = false) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
    if (isError) state.errors.push(text);
    log(text);
  }

  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
  }

  function render() {
    const list = $('participants');
    list.textContent = '';
    const all = state.self ? [state.self, ...state.participants.values()] : [...state.participants.values()];
    for (const p of all) {
      const li = document.createElement('li');
      li.dataset.id = p.id;
      if (p.speaking && !p.muted) li.className = 'speaking';
      li.textContent = p.name || p.id;
      const tag = document.createElement('span');
      tag.className = 'tag';
      const flags = [];
      if (state.self && p.id === state.self.id) flags.push('you');
      if (p.role !== 'speaker') flags.push(p.role);
      if (p.muted) flags.push('muted');
      if (p.speaking && !p.muted) flags.push('speaking');
      tag.textContent = flags.join(', ');
      li.appendChild(tag);
      list.appendChild(li);
    }
  }

  async function onOffer(sdp) {
    if (state.pc) state.pc.close();
    // An embedding page may set window.voxwireRtcConfig (iceServers, iceTransportPolicy) before app.js.
    const pc = new RTCPeerConnection(window.voxwireRtcConfig || {});
    state.pc = pc;
    pc.onicecandidate = (e) => send({ type: 'candidate', to: SERVER, candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => {
      log(`peer ${pc.connectionState}`);
      if (pc.connectionState === 'connected') status(`in room ${state.room}`);
      if (pc.connectionState === 'failed') status('media connection failed', true);
    };
    pc.ontrack = (e) => {
      // One <audio> per SFU slot; each slot is one continuous stream whoever speaks on it.
      const audio = new Audio();
      audio.autoplay = true;
      audio.srcObject = new MediaStream([e.track]);
      audio.play().catch(() => log('autoplay blocked: click the page'));
      state.audios.push(audio);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const upload = pc.getTransceivers()[0];
    if (state.self && state.self.role !== 'listener') {
      try {
        state.mic = state.mic || (await navigator.mediaDevices.getUserMedia({ audio: true }));
        const track = state.mic.getAudioTracks()[0];
        track.enabled = !state.muted;
        await upload.sender.replaceTrack(track);
        upload.direction = 'sendrecv';
        startLevelMeter(state.mic);
      } catch (error) {
        status(`no microphone (${error.message}); listening only`, true);
        upload.direction = 'recvonly';
      }
    } else {
      upload.direction = 'recvonly';
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    send({ type: 'answer', to: SERVER, sdp: pc.localDescription.sdp });
    $('mute').disabled = state.self?.role === 'listener';
  }

  // Speaking flag from the microphone's level: on above -50 dBFS, off 6 dB lower after 400 ms.
  function startLevelMeter(stream) {
    if (state.meter) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let quietSince = 0;
    state.meter = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
      const db = 10 * Math.log10(sum / buf.length + 1e-12);
      const now = performance.now();
      let speaking = state.speaking;
      if (!state.muted && db > -50) {
        speaking = true;
        quietSince = now;
      } else if (state.muted || (db < -56 && now - quietSince > 400)) {
        speaking = false;
      }
      if (speaking !== state.speaking) {
        state.speaking = speaking;
        send({ type: 'state', speaking });
      }
    }, 100);
  }

  function onMessage(msg) {
    switch (msg.type) {
      case 'joined':
        state.self = msg.self;
        state.participants = new Map(msg.participants.map((p) => [p.id, p]));
        status(`joined ${msg.room}; connecting audio…`);
        $('leave').disabled = false;
        break;
      case 'participant-joined':
      case 'participant-updated':
        if (state.self && msg.participant.id === state.self.id) state.self = msg.participant;
        else state.participants.set(msg.participant.id, msg.participant);
        break;
      case 'participant-left':
        state.participants.delete(msg.participantId);
        break;
      case 'offer':
        if (msg.from === SERVER) onOffer(msg.sdp).catch((e) => status(`negotiation failed: ${e.message}`, true));
        break;
      case 'candidate':
        if (msg.from === SERVER && state.pc && msg.candidate)
          state.pc.addIceCandidate(msg.candidate).catch((e) => log(`candidate refused: ${e.message}`));
        break;
      case 'error':
        status(`${msg.reason}: ${msg.message}`, true);
        break;
      case 'bye':
        status(`left (${msg.reason})`);
        break;
      default:
        break; // Later servers may add message types: ignore them.
    }
    render();
  }

  function join(room, token) {
    state.room = room;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/signaling`);
    state.ws = ws;
    status('connecting…');
    ws.onopen = () => send({ type: 'join', room, token });
    ws.onmessage = (e) => {
      try {
        onMessage(JSON.parse(e.data));
      } catch (error) {
        log(`bad server message: ${error.message}`);
      }
    };
    ws.onclose = (e) => {
      if (state.ws === ws) status(`disconnected (${e.code})`, e.code !== 1000);
      $('mute').disabled = true;
      $('leave').disabled = true;
    };
    state.ping = setInterval(() => send({ type: 'ping' }), 10000);
  }

  function leave() {
    send({ type: 'leave' });
    clearInterval(state.ping);
    clearInterval(state.meter);
    state.meter = undefined;
    if (state.pc) state.pc.close();
    state.pc = undefined;
    for (const a of state.audios) a.srcObject = null;
    state.audios = [];
    if (state.mic) for (const t of state.mic.getTracks()) t.stop();
    state.mic = undefined;
    state.participants.clear();
    state.self = undefined;
    render();
  }

  $('mute').onclick = () => {
    state.muted = !state.muted;
    if (state.mic) for (const t of state.mic.getAudioTracks()) t.enabled = !state.muted;
    $('mute').textContent = state.muted ? 'Unmute' : 'Mute';
    send({ type: 'state', muted: state.muted, ...(state.muted ? { speaking: false } : {}) });
    if (state.muted) state.speaking = false;
  };
  $('leave').onclick = leave;
  $('join-form').onsubmit = (e) => {
    e.preventDefault();
    join($('room').value, $('token').value);
  };

  const query = new URLSearchParams(location.search);
  const hash = new URLSearchParams(location.hash.slice(1));
  if (query.get('room')) $('room').value = query.get('room');
  if (hash.get('token')) $('token').value = hash.get('token');
  if (query.get('room') && hash.get('token')) join(query.get('room'), hash.get('token'));
})();
