package io.converged.gluster.controller.shared;

import io.converged.gluster.controller.provision.Capacity;
import io.converged.gluster.csi.runtime.CsiException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A shared pool's files in memory: the directories directly under its root (each with its record,
 * its group, and whether it holds anything) and the hidden directories claims were moved into. Each
 * change is told, as it happens, to a listener and kept ({@link #changes()}): {@code "mkdir D"},
 * {@code "chgrp D GID"}, {@code "record D VALUE"}, {@code "rmdir D"}, {@code "mv D ASIDE/NAME"},
 * {@code "rm ASIDE/NAME"}. A test can make one operation find the mount gone, before it does its work
 * or after (the work done, the answer lost).
 */
final class MemoryPoolFiles implements PoolFiles {

    /** A directory of the pool. */
    static final class Directory {
        Optional<String> record = Optional.empty();
        OptionalInt group = OptionalInt.empty();
        boolean holdsFiles;
    }

    private final String pool;
    private final Consumer<String> listener;
    private final List<String> changes = new ArrayList<>();
    private final Map<String, Directory> directories = new TreeMap<>();
    private final Map<String, Map<String, Directory>> aside = new TreeMap<>();
    private final List<String> operations = new ArrayList<>();
    private long freeBytes = 100 * Capacity.GIB;
    private String goneAt;
    private boolean goneAfter;

    MemoryPoolFiles(String pool, Consumer<String> listener) {
        this.pool = pool;
        this.listener = listener;
    }

    // ---------------------------------------------------------------- the pool as a test sets it up

    /** A directory as a test finds it, with this record if any. */
    MemoryPoolFiles has(String name, Optional<String> record, boolean holdsFiles) {
        Directory directory = new Directory();
        directory.record = record;
        directory.holdsFiles = holdsFiles;
        directories.put(name, directory);
        return this;
    }

    /** An empty directory with this record. */
    MemoryPoolFiles has(String name, String record) {
        return has(name, Optional.of(record), false);
    }

    /** Something in the hidden directory {@code aside}. */
    MemoryPoolFiles hasAside(String hidden, String name) {
        aside.computeIfAbsent(hidden, a -> new TreeMap<>()).put(name, new Directory());
        return this;
    }

    MemoryPoolFiles free(long bytes) {
        this.freeBytes = bytes;
        return this;
    }

    /** The next call of the operation (a method name of {@link PoolFiles}) finds the mount gone before it works. */
    MemoryPoolFiles goneBefore(String operation) {
        goneAt = operation;
        goneAfter = false;
        return this;
    }

    /** The next call of the operation does its work, then finds the mount gone: its answer is lost. */
    MemoryPoolFiles goneAfter(String operation) {
        goneAt = operation;
        goneAfter = true;
        return this;
    }

    // ---------------------------------------------------------------- what a test looks at

    /** Every change, in order. */
    List<String> changes() {
        return List.copyOf(changes);
    }

    /** Every operation called, by its method name, in order. */
    List<String> operations() {
        return List.copyOf(operations);
    }

    /** The directories directly under the root and their records (none: empty). */
    Map<String, Optional<String>> directories() {
        Map<String, Optional<String>> all = new TreeMap<>();
        directories.forEach((name, directory) -> all.put(name, directory.record));
        return all;
    }

    /** The names the hidden directory holds. */
    List<String> aside(String hidden) {
        return List.copyOf(aside.getOrDefault(hidden, Map.of()).keySet());
    }

    OptionalInt group(String name) {
        return directories.get(name).group;
    }

    // ---------------------------------------------------------------- the operations

    @Override
    public List<String> disconnectedBricks(String volume, int bricks) {
        return List.of();
    }

    @Override
    public void verify() throws CsiException {
        enter("verify");
        leave("verify");
    }

    @Override
    public Space space() throws CsiException {
        enter("space");
        Space space = new Space(freeBytes, 1024 * Capacity.GIB);
        leave("space");
        return space;
    }

    @Override
    public boolean makeDirectory(String name) throws CsiException {
        enter("makeDirectory");
        boolean made = !directories.containsKey(name);
        if (made) {
            directories.put(name, new Directory());
            change("mkdir " + name);
        }
        leave("makeDirectory");
        return made;
    }

    @Override
    public void shareWithGroup(String name, int gid) throws CsiException {
        enter("shareWithGroup");
        existing(name).group = OptionalInt.of(gid);
        change("chgrp " + name + " " + gid);
        leave("shareWithGroup");
    }

    @Override
    public Entry read(String name) throws CsiException {
        enter("read");
        Directory directory = directories.get(name);
        Entry entry = directory == null ? Entry.ABSENT : new Entry(true, directory.record);
        leave("read");
        return entry;
    }

    @Override
    public void writeRecord(String name, String record) throws CsiException {
        enter("writeRecord");
        existing(name).record = Optional.of(record);
        change("record " + name + " " + record);
        leave("writeRecord");
    }

    @Override
    public boolean removeIfEmpty(String name) throws CsiException {
        enter("removeIfEmpty");
        Directory directory = directories.get(name);
        boolean removed = directory != null && !directory.holdsFiles;
        if (removed) {
            directories.remove(name);
            change("rmdir " + name);
        }
        leave("removeIfEmpty");
        return removed;
    }

    @Override
    public void moveAside(String name, String hidden, String newName) throws CsiException {
        enter("moveAside");
        Directory directory = existing(name);
        Map<String, Directory> into = aside.computeIfAbsent(hidden, a -> new TreeMap<>());
        if (into.containsKey(newName)) {
            throw new CsiException(Status.Code.INTERNAL, "mv: " + hidden + "/" + newName + " exists");
        }
        directories.remove(name);
        into.put(newName, directory);
        change("mv " + name + " " + hidden + "/" + newName);
        leave("moveAside");
    }

    @Override
    public List<String> listAside(String hidden) throws CsiException {
        enter("listAside");
        List<String> names = aside(hidden);
        leave("listAside");
        return names;
    }

    @Override
    public void removeAside(String hidden, String name) throws CsiException {
        enter("removeAside");
        Map<String, Directory> in = aside.getOrDefault(hidden, new TreeMap<>());
        if (in.remove(name) != null) {
            change("rm " + hidden + "/" + name);
        }
        leave("removeAside");
    }

    @Override
    public Map<String, Optional<String>> records() throws CsiException {
        enter("records");
        Map<String, Optional<String>> records = directories();
        leave("records");
        return records;
    }

    @Override
    public String describe() {
        return "the memory of pool " + pool;
    }

    /** Claims use neither views nor other records (snapshots do, and are tested on real mounts). */
    @Override
    public PoolFiles under(String hidden) {
        throw new UnsupportedOperationException("claims use no view of a hidden directory");
    }

    @Override
    public PoolFiles recording(String attribute) {
        throw new UnsupportedOperationException("claims use no other record");
    }

    // ---------------------------------------------------------------- helpers

    private Directory existing(String name) throws CsiException {
        Directory directory = directories.get(name);
        if (directory == null) {
            throw new CsiException(Status.Code.INTERNAL, name + ": No such file or directory");
        }
        return directory;
    }

    private void change(String change) {
        changes.add(change);
        listener.accept(change);
    }

    private void enter(String operation) throws MountGoneException {
        operations.add(operation);
        if (operation.equals(goneAt) && !goneAfter) {
            goneAt = null;
            throw new MountGoneException(describe() + " is gone (before " + operation + ")");
        }
    }

    private void leave(String operation) throws MountGoneException {
        if (operation.equals(goneAt) && goneAfter) {
            goneAt = null;
            throw new MountGoneException(describe() + " is gone (after " + operation + ")");
        }
    }
}
