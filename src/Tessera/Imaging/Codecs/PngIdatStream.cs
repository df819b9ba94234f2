using System;
using System.Buffers.Binary;
using System.IO;

namespace Tessera.Imaging.Codecs;

/// <summary>
/// A read-only stream over the concatenated payloads of consecutive IDAT chunks of a pinned PNG file, so the
/// zlib inflater reads the file in place without copying.
/// </summary>
/// <remarks>Like Pillow, IDAT CRCs are not checked (PngImageFile.load_read skips them). The stream ends at the
/// first chunk that is not IDAT (<see cref="Truncated"/> false) or where the file runs out (<see cref="Truncated"/> true).
/// The caller keeps the memory pinned for the stream's lifetime.</remarks>
internal sealed unsafe class PngIdatStream : Stream
{
    private readonly byte* _data;
    private readonly int _length;
    private int _position;   // next byte to read in the file
    private int _remaining;  // payload bytes left in the current chunk
    private bool _atHeader;  // _position is at a chunk's length field
    private bool _ended;

    /// <summary>Starts at the length field of the first IDAT chunk at <paramref name="firstIdat"/>.</summary>
    public PngIdatStream(byte* data, int length, int firstIdat)
    {
        _data = data;
        _length = length;
        _position = firstIdat;
        _atHeader = true;
    }

    /// <summary>Whether the data ended because the file did (mid-chunk or without a following chunk header).</summary>
    public bool Truncated { get; private set; }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        while (_remaining == 0)
        {
            if (_ended || !NextChunk())
                return 0;
        }
        int n = Math.Min(buffer.Length, _remaining);
        new ReadOnlySpan<byte>(_data + _position, n).CopyTo(buffer);
        _position += n;
        _remaining -= n;
        if (_remaining == 0 && _position >= _length)
        {
            // The chunk was cut short by the end of the file: nothing follows.
            _ended = true;
            Truncated = true;
        }
        return n;
    }

    private bool NextChunk()
    {
        if (!_atHeader)
            _position += 4; // CRC of the previous IDAT
        _atHeader = false;
        if ((long)_position + 8 > _length)
        {
            _ended = true;
            Truncated = true;
            return false;
        }
        var header = new ReadOnlySpan<byte>(_data + _position, 8);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4)) != PngDecoder.IdatType || length > int.MaxValue)
        {
            _ended = true;
            return false;
        }
        _position += 8;
        _remaining = (int)Math.Min(length, (long)_length - _position);
        if (_remaining == 0 && length > 0)
        {
            _ended = true;
            Truncated = true;
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
