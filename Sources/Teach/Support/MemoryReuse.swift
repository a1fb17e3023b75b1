import CKernels

/// Keeps the memory that training frees inside the process, so the next step reuses it.
///
/// A training step allocates the same matrices every time (each layer's outputs, the deltas, the
/// gradients: about 12 MB per step for the 5×500 network at batch 128) and frees them at the end.
/// glibc's allocator hands large blocks straight back to the operating system (it unmaps blocks
/// above its mmap threshold and trims the top of the heap once more than its trim threshold is
/// free), so each step's new arrays arrive as fresh pages: the kernel takes a fault and clears
/// every 4 KiB page before the first write. Measured on one epoch of the 5×500 network (60,000
/// images): 614,000 page faults and 0.98 s of system time in 3.06 s; with the thresholds raised
/// here, 58,000 faults, 0.08 s and 2.49 s.
///
/// ``Model/train(inputs:targets:options:optimizer:using:)``
/// and ``Model/predict(_:)`` call ``keepFreedMemory()`` (a setting of the process; setting it again
/// costs a lock and changes nothing): blocks up to 32 MiB
/// (glibc's largest mmap threshold) come from the heap, and up to 1 GiB of free heap is kept. A
/// training program reaches its peak every step anyway, so the process keeps no more than that
/// peak. Elsewhere (other C libraries) this does nothing.
public enum MemoryReuse {
    /// Raises the C allocator's thresholds (see the type's documentation). Returns whether the
    /// settings are in place (false with a C library other than glibc).
    ///
    /// Not a `static let` run once: Swift treats a global's initialiser as free of side effects
    /// and drops it when the value is unused.
    @discardableResult
    public static func keepFreedMemory() -> Bool { teach_keep_freed_memory() == 1 }
}
