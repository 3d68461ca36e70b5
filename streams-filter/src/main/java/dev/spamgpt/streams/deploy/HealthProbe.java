package dev.spamgpt.streams.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container health check: {@code java -cp spamgpt-streams.jar
 * dev.spamgpt.streams.deploy.HealthProbe URL} exits 0 when the URL answers 200 within 3 s, and 1
 * otherwise (any other status, refused, timed out). The JRE base image is not guaranteed to have
 * curl or wget, so the jar brings its own.
 */
public final class HealthProbe {

    private HealthProbe() {}

    /**
     * Probes one URL.
     *
     * @param args the URL, default {@code http://127.0.0.1:8080/health/ready}
     */
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/health/ready";
        System.exit(probe(URI.create(url), Duration.ofSeconds(3)) ? 0 : 1);
    }

    /**
     * GETs a URL and reports whether it answered 200; prints the status line either way.
     *
     * @param uri the endpoint
     * @param timeout connect and response timeout
     * @return whether the status was 200
     */
    public static boolean probe(URI uri, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + response.body().strip());
            return response.statusCode() == 200;
        } catch (IOException e) {
            System.out.println("unhealthy: " + uri + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
