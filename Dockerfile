# Image of the `private-registries` GitHub Action: one fully static binary in an empty image.
#
# On `main`, action.yml says `image: Dockerfile`, so `uses: ./` (and `uses: OWNER/REPO@main`)
# builds this file on the runner. Released versions point action.yml at the prebuilt image
# `docker://ghcr.io/OWNER/REPO:vX.Y.Z` instead (see RELEASING.md), so users only pull it.
#
# Multi-arch: this file builds natively for whatever platform it is built for; there is no
# cross-compilation in it. `docker buildx build --platform linux/amd64,linux/arm64 .` works by
# running the arm64 half under QEMU (release.yml does that). We chose emulation over
# `FROM --platform=$BUILDPLATFORM` + cross-compiling because rustls' crypto (ring) compiles C and
# assembly, which would need a C cross toolchain for each musl target inside the image; a native
# build under emulation is slower (minutes, once per release) but has no such moving part.
# On a native arm64 runner the same file builds without emulation.

# Build stage: the official Rust image on Alpine, so the host target is *-unknown-linux-musl and
# the binary links statically. Pinned by the digest of the multi-arch index (tag kept for
# people and for Dependabot, which bumps both).
FROM rust:1.95-alpine@sha256:606fd313a0f49743ee2a7bd49a0914bab7deedb12791f3a846a34a4711db7ed2 AS build

# musl-dev: C headers and crt objects for ring's C/assembly and for the final link.
# Not pinned to a version (hadolint DL3018): the base image is pinned by digest, and Alpine
# drops superseded package versions from its mirrors, so a pinned musl-dev would break builds.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev

# Be explicit about static linking (the musl targets default to it already).
ENV RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TERM_COLOR=never

WORKDIR /build

# Dependencies first: this layer is reused until Cargo.toml or Cargo.lock change.
# (The placeholder main.rs only lets cargo read the manifest.)
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs \
    && cargo fetch --locked \
    && rm -rf src

# Then the sources (.dockerignore keeps target/, .git, bench/ and the like out).
COPY . .
# Without the `jq` feature: the Action's front end has no `--jq`, and it is 1.5 MB.
RUN cargo build --release --locked --no-default-features \
    && mkdir /out \
    && cp target/release/private-registries /out/private-registries \
    && /out/private-registries --version

# Final stage: nothing but the binary. The TLS roots are compiled in (webpki-roots), so there
# are no CA files to ship. GitHub's rules for Docker actions: no USER, no WORKDIR, and an
# exec-form ENTRYPOINT with an absolute path (the runner appends the action's args, if any).
FROM scratch
COPY --from=build /out/private-registries /private-registries
ENTRYPOINT ["/private-registries"]
