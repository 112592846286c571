// Reference chat server for the benchmark: Socket.io broadcast to one room, nothing stored.
// usage: node socketio_server.js PORT
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 3000);
const io = new Server(port, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024,
  pingInterval: 25000,
  pingTimeout: 20000,
});

io.on('connection', (socket) => {
  socket.join('bench');
  socket.on('chat', (text) => {
    // The same checks a chat server makes before relaying: a string of at most 500 characters.
    if (typeof text !== 'string' || text.length === 0 || text.length > 500) return;
    io.to('bench').emit('chat', text);
  });
});

io.engine.on('connection_error', (err) => console.error('connection error:', err.message));
console.log(`ready: socket.io 127.0.0.1:${port} pid ${process.pid}`);
