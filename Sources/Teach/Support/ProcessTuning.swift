import CKernels
import TeachKernels

/// Settings that change the whole process, for programs that train: off until a program asks.
///
/// A library must not change its host process behind its back, so Teach never turns these on by
/// itself. The book's chapters, the benchmark and any training program of yours call
/// ``forTraining()`` once at the start; a program that trains a little now and then (a server, an
/// app) can leave them off and loses only speed, never a number: results are the same either way.
///
/// - ``keepFreedMemory()``: a training step allocates the same matrices every time (each layer's
///   outputs, the deltas, the gradients: about 12 MB per step for the 5×500 network at batch 128)
///   and frees them at the end. glibc's allocator hands large blocks straight back to the operating
///   system (it unmaps blocks above its mmap threshold and trims the top of the heap once more than
///   its trim threshold is free), so each step's new arrays arrive as fresh pages: the kernel takes
///   a fault and clears every 4 KiB page before the first write. Measured on one epoch of the 5×500
///   network (60,000 images): 614,000 page faults and 0.98 s of system time in 3.06 s; with the
///   thresholds raised, 58,000 faults, 0.08 s and 2.49 s.
/// - ``keepsSecondCoreAwake``: products of at least a million multiply-adds are split over two
///   cores, the second half on a worker thread. Waking a sleeping thread costs tens of
///   microseconds on a virtual machine, more than a mid-sized product gains from the second core,
///   so with this on the worker keeps checking for work for a millisecond after each job (using
///   that core meanwhile) before it sleeps. Off, it sleeps at once, and a product whose worker is
///   not awake in time runs its second half on the calling thread.
public enum ProcessTuning {
    /// Turns on both settings: ``keepFreedMemory()`` and ``keepsSecondCoreAwake``. Returns whether
    /// the memory setting is in place (false with a C library other than glibc).
    @discardableResult
    public static func forTraining() -> Bool {
        keepsSecondCoreAwake = true
        return keepFreedMemory()
    }

    /// Raises the C allocator's thresholds so that memory freed by one training step is reused by
    /// the next: blocks up to 32 MiB (glibc's largest mmap threshold) come from the heap, and up to
    /// 1 GiB of free heap is kept. A training program reaches its peak every step anyway, so the
    /// process keeps no more than that peak. Returns whether the settings are in place (false with
    /// a C library other than glibc, where this does nothing). Setting it again changes nothing.
    @discardableResult
    public static func keepFreedMemory() -> Bool { teach_keep_freed_memory() == 1 }

    /// Whether the product's worker thread keeps checking for work for a millisecond after each job
    /// instead of sleeping at once (see the type's documentation). Off until set.
    public static var keepsSecondCoreAwake: Bool {
        get { FloatKernels.workerStaysAwake }
        set { FloatKernels.workerStaysAwake = newValue }
    }
}
